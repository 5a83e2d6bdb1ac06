-- Every person record of Regsosek, DTKS and P3KE in one shape: what the linkage (Splink) reads. Adds the
-- normalised name and its tokens, what the NIK says (validity, birth date, sex, region) and where it disagrees
-- with the recorded values, and flags derived from village-forum corrections. Recorded values are kept as they
-- are: nothing here overwrites a registry.
with

person_records as (
    select * from {{ ref('int_persons_unioned') }}
),

corrections as (
    {{ corrections_in_force() }}
),

nik_derived as (
    -- NIK = PP RR SS DDMMYY XXXX: district of first registration, birth date (day + 40 for women), serial.
    -- The rule (parsing, national district reference, validity) is macros/nik_checks.sql.
    {{ nik_checks('person_records') }}
),

names as (
    -- The name work once per distinct spelling, not once per record: a province's records carry several times
    -- fewer distinct names than rows (2.4 million records, 0.4 million names at 1.4 million persons), and the
    -- normalisation's regular expressions are the costliest part of this model.
    select
        full_name,
        name_normalised,
        {{ list_element('name_tokens', 1) }} as first_name,
        case when {{ list_length('name_tokens') }} > 1 then {{ list_element('name_tokens', -1) }} end as last_name,
        {{ list_join('array_sort(name_tokens)', ' ') }} as name_tokens_sorted
    from (
        select full_name, name_normalised, {{ split_to_list('name_normalised', ' ') }} as name_tokens
        from (
            select full_name, {{ normalise_name('full_name') }} as name_normalised
            from (select distinct full_name from person_records where full_name is not null)
        )
    )
),

tokenised as (
    select
        nik_derived.*,
        names.name_normalised,
        names.first_name,
        names.last_name,
        names.name_tokens_sorted
    from nik_derived
    left join names on nik_derived.full_name = names.full_name
),

person_corrections as (
    {% call corrections_per_record('person', 'person_record_key') %}
        bool_or(correction_type = 'deceased') as reported_deceased,
        min(effective_on) filter (where correction_type = 'deceased') as reported_deceased_on,
        bool_or(correction_type = 'data_correction') as data_review_requested,
    {%- endcall %}
),

household_corrections as (
    {% call corrections_per_record('household', 'household_record_key') %}
        {{ reported_move() }}
    {%- endcall %}
),

final as (
    select
        tokenised.person_record_key,
        tokenised.registry,
        tokenised.source_table,
        tokenised.record_id,
        tokenised.household_record_key,
        tokenised.nik,
        tokenised.nik_valid as nik_is_valid,
        case when tokenised.nik_valid then tokenised.nik_date end as nik_birth_date,
        case when tokenised.nik_valid then tokenised.nik_sex_from_day end as nik_sex,
        case when tokenised.nik_is_16_digits then left(tokenised.nik, 6) end as nik_region_code,
        tokenised.nik_registered_outside_province,
        tokenised.full_name,
        tokenised.name_normalised,
        tokenised.first_name,
        tokenised.last_name,
        tokenised.name_tokens_sorted,
        tokenised.sex,
        tokenised.birth_date,
        cast(year(tokenised.birth_date) as integer) as birth_year,
        case
            when tokenised.nik_valid and tokenised.sex in ('male', 'female')
                then tokenised.sex <> tokenised.nik_sex_from_day
        end as sex_disagrees_with_nik,
        case
            when tokenised.nik_valid and tokenised.birth_date is not null
                then tokenised.birth_date <> tokenised.nik_date
        end as birth_date_disagrees_with_nik,
        tokenised.village_code,
        tokenised.district_code,
        tokenised.regency_code,
        tokenised.province_code,
        tokenised.relationship_to_head,
        tokenised.registry_decile,
        tokenised.record_date,
        coalesce(person_corrections.reported_deceased, false) as reported_deceased,
        person_corrections.reported_deceased_on,
        household_corrections.reported_moved_to_village_code,
        household_corrections.reported_moved_on,
        coalesce(person_corrections.data_review_requested, false) as data_review_requested,
        coalesce(person_corrections.corrections_matched, 0)
            + coalesce(household_corrections.corrections_matched, 0) as corrections_matched,
        {{ record_lineage('tokenised') }}
    from tokenised
    left join person_corrections on tokenised.person_record_key = person_corrections.person_record_key
    left join household_corrections on tokenised.household_record_key = household_corrections.household_record_key
)

select * from final
