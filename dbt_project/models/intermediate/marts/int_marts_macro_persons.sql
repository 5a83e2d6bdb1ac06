-- One row per living linked person whose family has a region, with what the BPS-style analyses (docs/analyses/macro.md) count them by: region,
-- sex, age and age group, the family's reference decile and P3KE decile, whether the person heads the family,
-- disability, school enrolment (Dapodik), and from the person's Regsosek record the work status, status in
-- employment (formal or informal, employment_formality), industry sector and its broad group
-- (industry_sector_groups) and highest education. Labour status is as of the Regsosek visit, so its age is the age
-- at the visit; the rest use the age at the var as_of_date. Each age band is the macro_age_bands row of its measure.
with

persons as (
    select person_id, family_key, sex, age_years, has_disability, education_stage
    from {{ ref('int_marts_persons') }}
    where not reported_deceased
),

families as (
    select * from {{ ref('int_marts_families') }}
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

bands as (
    select
        {%- for measure in ['labour_force', 'working_children', 'school_participation', 'educational_attainment'] %}
        min(min_age_years) filter (where measure = '{{ measure }}') as {{ measure }}_min,
        coalesce(min(max_age_years) filter (where measure = '{{ measure }}'), 1000) as {{ measure }}_max
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ ref('macro_age_bands') }}
),

regsosek_records as (
    -- The person's best-ranked Regsosek record (a person Regsosek listed twice keeps one).
    select
        records.person_id,
        cast(date_sub('year', records.birth_date, records.record_date) as integer) as age_at_visit,
        members.work_status,
        members.employment_status,
        members.industry_sector,
        members.education_level
    from {{ ref('int_marts_person_records') }} as records
    inner join {{ ref('stg_regsosek__persons') }} as members on records.record_id = members.person_id
    where records.registry = 'regsosek' and records.person_id is not null
    qualify row_number() over (partition by records.person_id order by records.record_rank,
        records.person_record_key) = 1
),

final as (
    select
        persons.person_id,
        persons.family_key,
        families.province_code,
        families.regency_code,
        persons.sex,
        persons.age_years,
        age_groups.age_group,
        {{ decile_under_ranking('reference_ranking.ranking', 'families') }} as reference_decile,
        families.p3ke_decile,
        families.head_person_id = persons.person_id as is_family_head,
        persons.has_disability,
        persons.age_years between bands.school_participation_min and bands.school_participation_max
            as in_school_participation_age,
        persons.education_stage is not null as is_enrolled,
        persons.age_years between bands.educational_attainment_min and bands.educational_attainment_max
            as in_attainment_age,
        regsosek_records.education_level,
        attainment.senior_secondary_or_more,
        regsosek_records.age_at_visit,
        regsosek_records.age_at_visit between bands.labour_force_min and bands.labour_force_max
            and regsosek_records.work_status in ('working', 'not_working', 'seeking_work') as has_labour_status,
        regsosek_records.work_status,
        regsosek_records.employment_status,
        formality.is_informal,
        regsosek_records.industry_sector,
        sector_groups.sector_group,
        regsosek_records.age_at_visit between bands.working_children_min and bands.working_children_max
            and regsosek_records.work_status = 'working' as is_working_child
    from persons
    inner join families on persons.family_key = families.family_key
    cross join reference_ranking
    cross join bands
    left join age_groups
        on persons.age_years >= age_groups.min_age_years
        and (age_groups.max_age_years is null or persons.age_years <= age_groups.max_age_years)
    left join regsosek_records on persons.person_id = regsosek_records.person_id
    left join {{ ref('employment_formality') }} as formality
        on regsosek_records.employment_status = formality.employment_status
    left join {{ ref('industry_sector_groups') }} as sector_groups
        on regsosek_records.industry_sector = sector_groups.industry_sector
    left join {{ ref('education_attainment_levels') }} as attainment
        on regsosek_records.education_level = attainment.education_level
    -- A family no record places in a village (a few hundred persons at a million) has no region to be counted in.
    where families.regency_code is not null
)

select * from final
