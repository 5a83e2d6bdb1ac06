-- One row per family unit (int_marts_family_units): where it lives, its housing, its decile in each registry,
-- DTKS receipt of family programmes, its members and head, and the hazard zone of its village. Location, housing
-- and address come from the best-ranked record (reference registry, then DTKS, then P3KE), with a move reported by a
-- village forum applied (int_households.village_code_after_corrections).
with

family_units as (
    select household_record_key, registry, family_key, matched_by from {{ ref('int_marts_family_units') }}
),

households as (
    select * from {{ ref('int_households') }}
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

addresses as (
    {%- for source in registries() %}
    select
        {{ registry_record_key(source.household_table, 'households.' ~ source.household_id) }} as household_record_key,
        households.address,
        {{ registry_household_item(source, 'households', 'rt', dbt.type_string()) }},
        {{ registry_household_item(source, 'households', 'rw', dbt.type_string()) }}
    from {{ ref(source.households_model) }} as households
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

persons as (
    select person_id, person_key, family_key, relationship_to_head, age_years, reported_deceased, has_disability
    from {{ ref('int_marts_persons') }}
),

regions as (
    select region_code, name from {{ ref('ref_regions') }}
),

village_hazards as (
    select * from {{ ref('int_marts_village_hazards') }}
),

family_records as (
    select
        family_units.family_key,
        family_units.household_record_key,
        family_units.registry,
        {{ registry_record_rank('family_units.registry') }} as record_rank,
        households.village_code_after_corrections as village_code,
        households.registry_decile,
        households.household_size,
        households.rtlh_verdict,
        households.drinking_water_source,
        households.sanitation_facility,
        {%- for column in family_receipt_columns() %}
        households.{{ column }},
        {%- endfor %}
        addresses.address,
        addresses.rt,
        addresses.rw
    from family_units
    cross join reference_ranking
    left join households on family_units.household_record_key = households.household_record_key
    left join addresses on family_units.household_record_key = addresses.household_record_key
),

families as (
    select
        family_key,
        {{- registry_presence('household_records') }},
        {{ min_by('household_record_key', ['record_rank', 'household_record_key']) }} as primary_record_key,
        {{ min_by('village_code', ['record_rank', 'household_record_key']) }} as village_code,
        -- The verdict (never NULL) rather than is_rtlh, which arg_min would skip where NULL: a not-assessable best
        -- record stays not assessable instead of borrowing another record's verdict.
        {{ min_by('rtlh_verdict', ['record_rank', 'household_record_key']) }} as rtlh_verdict,
        {{ min_by('drinking_water_source', ['record_rank', 'household_record_key']) }}
            filter (where drinking_water_source <> 'unknown') as drinking_water_source,
        {{ min_by('sanitation_facility', ['record_rank', 'household_record_key']) }}
            filter (where sanitation_facility <> 'unknown') as sanitation_facility,
        {{ min_by('address', ['record_rank', 'household_record_key']) }} as address,
        {{ min_by('rt', ['record_rank', 'household_record_key']) }} as rt,
        {{ min_by('rw', ['record_rank', 'household_record_key']) }} as rw,
        -- Receipt of family programmes is what DTKS records (program_delivery).
        {{- family_programme_receipt() }}
    from family_records
    group by family_key
),

members as (
    select
        family_key,
        cast(count(*) as integer) as members_linked,
        cast(count(*) filter (where not reported_deceased) as integer) as members_living,
        coalesce(bool_or(has_disability), false) as any_member_with_disability,
        -- The head: the member recorded as head, else the oldest living member.
        {{ min_by('person_id', ["reported_deceased", "relationship_to_head is distinct from 'head'",
                                "-coalesce(age_years, -1)", "person_id"]) }} as head_person_id
    from persons
    group by family_key
),

final as (
    select
        families.family_key,
        {{ pseudonymise('families.family_key') }} as household_key,
        families.primary_record_key,
        families.in_regsosek,
        families.in_dtks,
        families.in_p3ke,
        families.household_records,
        families.village_code,
        {{ region_codes_from_village('families.village_code') }},
        village.name as village_name,
        district.name as district_name,
        regency.name as regency_name,
        families.address,
        families.rt,
        families.rw,
        families.regsosek_decile,
        families.dtks_decile,
        families.p3ke_decile,
        case families.rtlh_verdict when 'rtlh' then true when 'liveable' then false end as is_rtlh,
        families.rtlh_verdict,
        families.drinking_water_source,
        families.sanitation_facility,
        {%- for column in family_receipt_columns() %}
        families.{{ column }},
        {%- endfor %}
        coalesce(members.members_linked, 0) as members_linked,
        coalesce(members.members_living, 0) as members_living,
        coalesce(members.any_member_with_disability, false) as any_member_with_disability,
        members.head_person_id,
        coalesce(village_hazards.hazard_zone, 'none') as hazard_zone,
        coalesce(village_hazards.in_hazard_zone, false) as in_hazard_zone,
        village_hazards.hazards_at_zone_class
    from families
    left join members on families.family_key = members.family_key
    left join regions as village on families.village_code = village.region_code
    left join regions as district on left(families.village_code, 6) = district.region_code
    left join regions as regency on left(families.village_code, 4) = regency.region_code
    left join village_hazards on families.village_code = village_hazards.village_code
)

select * from final
