-- One row per living linked person with what the social analyses (RAD PD domains and coverage, out-of-school
-- children, health insurance) count by: where the family lives, sex, age and age group (age_groups), the family's
-- reference decile, disability, Dapodik enrolment, PBI-JK eligibility and receipt (int_marts_program_units), the
-- family's PKH receipt, and the Washington Group answer per domain (Regsosek; NULL for persons Regsosek did not
-- interview). One table, so that every social mart and its truth test read the same persons.
with

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

families as (
    select
        families.family_key,
        families.province_code,
        families.regency_code,
        families.receives_pkh,
        {{ decile_under_ranking('reference_ranking.ranking', 'families') }} as reference_decile
    from {{ ref('int_marts_families') }} as families
    cross join reference_ranking
),

pbi_jk as (
    select person_id, eligible, receiving from {{ ref('int_marts_program_units') }}
    where program = 'pbi_jk' and component = 'all'
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

difficulties as (
    -- A person linked to two Regsosek records takes the answers of the first (by record id), so reruns agree.
    select
        records.person_id,
        {%- for column in columns_with_prefix(ref('stg_regsosek__persons'), 'difficulty_') %}
        {{ min_by('regsosek.' ~ column, 'records.record_id') }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('int_marts_person_records') }} as records
    inner join {{ ref('stg_regsosek__persons') }} as regsosek on records.record_id = regsosek.person_id
    where records.registry = 'regsosek'
    group by records.person_id
),

final as (
    select
        persons.person_id,
        persons.family_key,
        families.province_code,
        families.regency_code,
        persons.sex,
        persons.age_years,
        persons.age_months,
        coalesce(age_groups.age_group, 'unknown') as age_group,
        families.reference_decile,
        persons.has_disability,
        persons.has_severe_disability,
        persons.education_stage,
        coalesce(pbi_jk.eligible, false) as eligible_pbi_jk,
        coalesce(pbi_jk.receiving, false) as receives_pbi_jk,
        coalesce(families.receives_pkh, false) as family_receives_pkh,
        difficulties.* except (person_id)
    from {{ ref('int_marts_persons') }} as persons
    inner join families on persons.family_key = families.family_key
    left join pbi_jk on persons.person_id = pbi_jk.person_id
    left join age_groups
        on persons.age_years >= age_groups.min_age_years
        and (age_groups.max_age_years is null or persons.age_years <= age_groups.max_age_years)
    left join difficulties on persons.person_id = difficulties.person_id
    where not persons.reported_deceased
)

select * from final
