-- Every household/family record of Regsosek, DTKS and P3KE with its housing in the common vocabulary, floor area
-- per person, and the uninhabitable-housing (RTLH) verdict under the rule set the forum chose (dbt var
-- rtlh_rule_set): which criteria fail, which could not be assessed, and whether enough fail, or whether the
-- unknown ones decide (not assessable). Village-forum corrections add flags; the recorded values stay as they are.
{%- set rule_set = var('rtlh_rule_set') %}
with

households as (
    select * from {{ ref('int_households_unioned') }}
),

rule_sets as (
    select rule_set, min_floor_area_per_person_m2, min_failed_criteria
    from {{ ref('rtlh_rule_sets') }}
    where rule_set = '{{ rule_set }}'
),

rule_set as (
    -- A var naming no rule set must stop the build, not give an empty table.
    select * from rule_sets
    union all
    select
        error('dbt var rtlh_rule_set = {{ rule_set }} is not a rule_set in seeds/rules/rtlh_rule_sets.csv'),
        null,
        null
    where not exists (select 1 from rule_sets)
),

materials as (
    select rule_set, component, category, counts_as_unfit
    from {{ ref('rtlh_materials') }}
    where rule_set = '{{ rule_set }}'
),

corrections as (
    {{ corrections_in_force() }}
),

sized as (
    select
        households.*,
        -- Regsosek records the household size; DTKS and P3KE are counted from their member lists.
        cast(coalesce(households.household_size_recorded, households.members_listed) as integer) as household_size,
        households.floor_area_m2
            / nullif(coalesce(households.household_size_recorded, households.members_listed), 0)
            as floor_area_per_person_m2
    from households
),

assessed as (
    -- One verdict per criterion: true = fails, false = passes, null = unknown (missing or unknown category);
    -- assesses_<component> says whether the rule set judges the component.
    {{ rtlh_assessment('sized', 'rule_set', 'materials') }}
),

verdicts as (
    select
        assessed.*,
        {{- rtlh_verdict_columns() }}
    from assessed
),

household_corrections as (
    {% call corrections_per_record('household', 'household_record_key') %}
        {{ reported_move() }}
        -- An entry proposal for a household DTKS already lists is already_reflected: not a proposal to act on.
        coalesce(bool_or(correction_type = 'exit_better_off' and status = 'applied'), false) as dtks_exit_proposed,
        coalesce(bool_or(correction_type = 'entry_proposed' and status = 'applied'), false) as dtks_entry_proposed,
    {%- endcall %}
),

member_deaths as (
    select household_record_key, cast(count(distinct target_record_key) as integer) as members_reported_deceased
    from corrections
    where correction_type = 'deceased'
    group by household_record_key
),

final as (
    select
        verdicts.household_record_key,
        verdicts.registry,
        verdicts.source_table,
        verdicts.record_id,
        verdicts.kk_number,
        verdicts.village_code,
        verdicts.district_code,
        verdicts.regency_code,
        verdicts.province_code,
        verdicts.registry_decile,
        verdicts.household_size,
        verdicts.household_size_recorded,
        verdicts.members_listed,
        verdicts.floor_area_m2,
        verdicts.floor_area_per_person_m2,
        verdicts.roof_material,
        verdicts.wall_material,
        verdicts.floor_material,
        verdicts.drinking_water_source,
        verdicts.sanitation_facility,
        verdicts.lighting_source,
        verdicts.cooking_fuel,
        verdicts.tenure_status,
        verdicts.rtlh_rule_set,
        -- NULL when the unknown criteria decide (not assessable): never counted as liveable.
        case verdicts.rtlh_verdict when 'rtlh' then true when 'liveable' then false end as is_rtlh,
        verdicts.rtlh_verdict,
        verdicts.rtlh_failed_criteria_count,
        verdicts.rtlh_reasons,
        verdicts.rtlh_unassessed_criteria,
        verdicts.receives_pkh,
        verdicts.receives_bpnt,
        verdicts.record_date,
        household_corrections.reported_moved_to_village_code,
        household_corrections.reported_moved_on,
        coalesce(household_corrections.reported_moved_to_village_code, verdicts.village_code)
            as village_code_after_corrections,
        coalesce(household_corrections.dtks_exit_proposed, false) as dtks_exit_proposed,
        coalesce(household_corrections.dtks_entry_proposed, false) as dtks_entry_proposed,
        coalesce(member_deaths.members_reported_deceased, 0) as members_reported_deceased,
        coalesce(household_corrections.corrections_matched, 0) as corrections_matched,
        {{ record_lineage('verdicts') }}
    from verdicts
    left join household_corrections on verdicts.household_record_key = household_corrections.household_record_key
    left join member_deaths on verdicts.household_record_key = member_deaths.household_record_key
)

select * from final
