-- The target population of every computable SPM and regional indicator (spm_indicator_methods), one row per member
-- (person, patient or household), with where it lives, the cells it falls in (sex, disability, reference decile)
-- and whether it is served (in the numerator). Methods:
--   education          living persons in the age band (and the population condition), served when Dapodik
--                      (matched on NIK) enrols them at one of the stages in numerator_values;
--   health_population  living persons in the age band, served when a puskesmas record of the service met the
--                      standard (matched on NIK);
--   health_records     patients with any record of the service, served when it met the standard (no register of
--                      pregnancies, births or chronic patients is a source, so the target is who was seen);
--   household_criterion  families with living members and a known category, served when spm_household_criteria
--                      counts it; household_liveable: families whose house is assessed, served when not RTLH;
--   program_coverage   persons eligible for the programme in numerator_values, served when they receive it.
-- Households count under their head's sex, "with disability" when any member has one, and their decile.
{%- set as_of = "cast('" ~ var('as_of_date') ~ "' as date)" %}
with

methods as (
    select * from {{ ref('spm_indicator_methods') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by indicator_code order by valid_from desc) = 1
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

families as (
    select
        families.*,
        {{ decile_under_ranking('reference_ranking.ranking', 'families') }} as reference_decile
    from {{ ref('int_marts_families') }} as families
    cross join reference_ranking
),

persons as (
    select
        persons.person_id,
        persons.sex,
        persons.age_months,
        persons.has_disability,
        persons.education_stage,
        families.village_code,
        families.district_code,
        families.regency_code,
        families.province_code,
        families.reference_decile
    from {{ ref('int_marts_persons') }} as persons
    inner join families on persons.family_key = families.family_key
    where not persons.reported_deceased
),

patients as (
    select * from {{ ref('int_marts_health_patients') }}
),

served_persons as (
    select person_id, spm_code, bool_or(served_to_standard) as served_to_standard
    from patients
    where person_id is not null
    group by person_id, spm_code
),

criteria as (
    select * from {{ ref('spm_household_criteria') }}
),

program_units as (
    select program, person_id, receiving from {{ ref('int_marts_program_units') }}
    where component = 'all' and eligible
),

education as (
    select
        {{- spm_population_member('person_id', 'persons') }}
        coalesce(array_contains({{ split_to_list('methods.numerator_values', '|') }}, persons.education_stage), false)
            as in_numerator
    from methods
    inner join persons on {{ spm_in_age_band('persons') }}
    where methods.method = 'education'
        and (
            {{ spm_population_condition('persons') }}
            -- Outside formal school: no Dapodik enrolment, or only at a stage the numerator counts (equivalency).
            or (methods.population_condition = 'out_of_formal_school'
                and (persons.education_stage is null
                    or array_contains({{ split_to_list('methods.numerator_values', '|') }}, persons.education_stage)))
        )
),

health_population as (
    select
        {{- spm_population_member('person_id', 'persons') }}
        coalesce(served_persons.served_to_standard, false) as in_numerator
    from methods
    inner join persons on {{ spm_in_age_band('persons') }}
    left join served_persons
        on persons.person_id = served_persons.person_id and served_persons.spm_code = methods.numerator_values
    where methods.method = 'health_population' and {{ spm_population_condition('persons') }}
),

health_records as (
    select
        {{- spm_population_member('patient_key', 'patients', 'persons') }}
        patients.served_to_standard as in_numerator
    from methods
    inner join patients on patients.spm_code = methods.numerator_values
    left join persons on patients.person_id = persons.person_id
    where methods.method = 'health_records'
),

households as (
    select
        families.family_key,
        families.village_code, families.district_code, families.regency_code, families.province_code,
        coalesce(heads.sex, 'unknown') as sex,
        families.any_member_with_disability as has_disability,
        families.reference_decile,
        families.drinking_water_source,
        families.sanitation_facility,
        families.is_rtlh
    from families
    left join {{ ref('int_marts_persons') }} as heads on families.head_person_id = heads.person_id
    where families.members_living > 0
),

household_criterion as (
    select
        {{- spm_population_member('family_key', 'households') }}
        criteria.counts_as_served as in_numerator
    from methods
    cross join households
    inner join criteria
        on criteria.indicator_code = methods.indicator_code
        and criteria.component = methods.numerator_values
        and criteria.category = case methods.numerator_values
            when 'drinking_water_source' then households.drinking_water_source
            when 'sanitation_facility' then households.sanitation_facility
        end
    where methods.method = 'household_criterion'
),

household_liveable as (
    select
        {{- spm_population_member('family_key', 'households') }}
        not households.is_rtlh as in_numerator
    from methods
    cross join households
    where methods.method = 'household_liveable' and households.is_rtlh is not null
),

program_coverage as (
    select
        {{- spm_population_member('person_id', 'persons') }}
        coalesce(program_units.receiving, false) as in_numerator
    from methods
    inner join program_units on program_units.program = methods.numerator_values
    inner join persons on program_units.person_id = persons.person_id
    where methods.method = 'program_coverage' and {{ spm_population_condition('persons') }}
),

unioned as (
    select * from education
    union all
    select * from health_population
    union all
    select * from health_records
    union all
    select * from household_criterion
    union all
    select * from household_liveable
    union all
    select * from program_coverage
),

final as (
    select
        indicator_code,
        member_key,
        village_code,
        district_code,
        regency_code,
        province_code,
        coalesce(sex, 'unknown') as sex,
        case
            when has_disability is null then 'unknown'
            when has_disability then 'with_disability'
            else 'without_disability'
        end as disability,
        coalesce(cast(reference_decile as {{ dbt.type_string() }}), 'unknown') as decile,
        in_numerator
    from unioned
)

select * from final
