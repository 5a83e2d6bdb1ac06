-- Persons and households by welfare decile under each registry's own ranking (welfare_rankings: Regsosek and DTKS
-- national deciles 1-10, P3KE regency deciles 1-4), side by side per region (province, regency), with the reference
-- ranking flagged: the same families counted three ways. A family the registry does not list is 'not_listed', one
-- it lists without a decile 'unknown'; 'all' totals the region under the ranking (every family once, so the 'all'
-- rows of the three rankings are equal). Exact counts (internal); welfare_distribution_by_ranking_published
-- suppresses the small ones.
with

families as (
    select * from {{ ref('int_marts_welfare_families') }}
    where village_code is not null  -- a family without a known village is in no region (the helper's rate test)
),

rankings as (
    select ranking, is_reference from {{ ref('welfare_rankings') }}
),

ranked as (
    select
        families.province_code,
        families.regency_code,
        rankings.ranking,
        rankings.is_reference,
        {{ welfare_decile_label('rankings.ranking', 'families') }} as decile,
        families.members_living
    from families
    cross join rankings
),

grouped as (
    select
        {{- region_grouping() }},
        ranking,
        is_reference,
        decile,
        grouping(decile) as decile_grouping,
        count(*) as households,
        sum(members_living) as persons
    from ranked
    group by grouping sets (
        (province_code, ranking, is_reference, decile),
        (province_code, ranking, is_reference),
        (province_code, regency_code, ranking, is_reference, decile),
        (province_code, regency_code, ranking, is_reference)
    )
),

final as (
    select
        {{ region_level('grouping_id') }} as region_level,
        {{ region_code('grouping_id') }} as region_code,
        province_code,
        regency_code,
        ranking,
        is_reference,
        case when decile_grouping = 0 then decile else 'all' end as decile,
        cast(persons as bigint) as persons,
        cast(households as bigint) as households
    from grouped
)

select * from final
