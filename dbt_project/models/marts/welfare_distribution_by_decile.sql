-- Persons and households by reference welfare decile (welfare_rankings.is_reference, Regsosek/DTSEN) per region:
-- at province and regency level crossed with sex, age group (age_groups) and disability, and in total; at district
-- and village level by decile alone, so that the table stays a few rows per village. Living linked persons count
-- under their own sex, age and disability and their family's decile; a household (a family unit with living members)
-- under its head's sex and age group, "with disability" when any member has one (as spm_indicators counts them).
-- Each decile carries its welfare band and priority band (decile_definitions). Exact counts (internal);
-- welfare_distribution_by_decile_published suppresses the small ones.
with

families as (
    select * from {{ ref('int_marts_welfare_families') }}
    where village_code is not null  -- a family without a known village is in no region (the helper's rate test)
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

decile_definitions as (
    select cast(decile as {{ dbt.type_string() }}) as decile, welfare_band, is_priority_band from {{ ref('decile_definitions') }}
),

units as (
    select
        families.province_code,
        families.regency_code,
        families.district_code,
        families.village_code,
        coalesce(cast(families.reference_decile as {{ dbt.type_string() }}), 'unknown') as decile,
        coalesce(persons.sex, 'unknown') as sex,
        coalesce(age_groups.age_group, 'unknown') as age_group,
        case when persons.has_disability then 'with_disability' else 'without_disability' end as disability,
        1 as persons,
        0 as households
    from {{ ref('int_marts_persons') }} as persons
    inner join families on persons.family_key = families.family_key
    left join age_groups
        on persons.age_years >= age_groups.min_age_years
        and (age_groups.max_age_years is null or persons.age_years <= age_groups.max_age_years)
    where not persons.reported_deceased
    union all
    select
        province_code,
        regency_code,
        district_code,
        village_code,
        coalesce(cast(reference_decile as {{ dbt.type_string() }}), 'unknown') as decile,
        head_sex,
        head_age_group,
        disability,
        0 as persons,
        1 as households
    from families
),

grouped as (
    select
        {{- region_grouping(depth=4) }},
        decile,
        grouping(sex, age_group, disability) as cell_grouping,
        sex,
        age_group,
        disability,
        sum(persons) as persons,
        sum(households) as households
    from units
    group by grouping sets (
        (province_code, decile, sex, age_group, disability),
        (province_code, decile),
        (province_code, regency_code, decile, sex, age_group, disability),
        (province_code, regency_code, decile),
        (province_code, regency_code, district_code, decile),
        (province_code, regency_code, district_code, village_code, decile)
    )
),

final as (
    select
        {{ region_level('grouping_id', depth=4) }} as region_level,
        {{ region_code('grouping_id', depth=4) }} as region_code,
        grouped.province_code,
        grouped.regency_code,
        grouped.district_code,
        grouped.decile,
        decile_definitions.welfare_band,
        decile_definitions.is_priority_band,
        -- 'all': the row totals its region and decile over sex, age group and disability.
        case when cell_grouping = 0 then sex else 'all' end as sex,
        case when cell_grouping = 0 then age_group else 'all' end as age_group,
        case when cell_grouping = 0 then disability else 'all' end as disability,
        cast(persons as bigint) as persons,
        cast(households as bigint) as households
    from grouped
    left join decile_definitions on grouped.decile = decile_definitions.decile
)

select * from final
