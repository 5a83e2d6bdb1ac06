-- RAD PD (regional action plan for persons with disabilities): living persons by region (province, regency), sex,
-- disability, severe disability and age group (age_groups), with how many are eligible for PBI-JK (their family in
-- the priority deciles) and receive it, live in a PKH family, and are enrolled in school (Dapodik).
-- Publishable: small counts and the cells that would give them away are suppressed (NULL) as its yml's
-- config.meta.disclosure declares (macros/disclosure.sql).
with

persons as (
    select persons.*, families.province_code, families.regency_code, families.receives_pkh
    from {{ ref('int_marts_persons') }} as persons
    inner join {{ ref('int_marts_families') }} as families on persons.family_key = families.family_key
    where not persons.reported_deceased
),

pbi_units as (
    select person_id, eligible, receiving from {{ ref('int_marts_program_units') }}
    where program = 'pbi_jk' and component = 'all'
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

grouped as (
    select
        {{- region_grouping(relation='persons') }},
        persons.sex,
        case when persons.has_disability then 'with_disability' else 'without_disability' end as disability,
        persons.has_severe_disability,
        age_groups.age_group,
        count(*) as persons,
        count(*) filter (where pbi_units.eligible) as eligible_pbi_jk,
        count(*) filter (where pbi_units.receiving) as receiving_pbi_jk,
        count(*) filter (where persons.receives_pkh) as in_pkh_family,
        count(*) filter (where persons.education_stage is not null) as enrolled_in_school
    from persons
    inner join age_groups
        on persons.age_years >= age_groups.min_age_years
        and (age_groups.max_age_years is null or persons.age_years <= age_groups.max_age_years)
    left join pbi_units on persons.person_id = pbi_units.person_id
    group by grouping sets (
        (persons.province_code, persons.sex, disability, persons.has_severe_disability, age_groups.age_group),
        (persons.province_code, persons.regency_code, persons.sex, disability, persons.has_severe_disability,
            age_groups.age_group)
    )
),

cells as (
    {{ published_region_cells(['sex', 'disability', 'has_severe_disability', 'age_group'],
                              ['persons', 'eligible_pbi_jk', 'receiving_pbi_jk', 'in_pkh_family', 'enrolled_in_school']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'sex', 'disability', 'has_severe_disability', 'age_group']) }}

select * from final
