-- The province rows of each welfare distribution count every located family unit with living members once, and its
-- living members, whatever the ranking or pair of rankings: returns the mart, ranking and province that do not.
with

families as (
    select province_code, count(*) as households, sum(members_living) as persons
    from {{ ref('int_marts_welfare_families') }}
    where village_code is not null
    group by province_code
),

counted as (
    select 'welfare_distribution_by_decile' as mart, '' as ranking, region_code as province_code,
        sum(households) as households, sum(persons) as persons
    from {{ ref('welfare_distribution_by_decile') }}
    where region_level = 'province' and sex = 'all'
    group by all
    union all
    select 'welfare_distribution_by_percentile', '', region_code, sum(households), sum(persons)
    from {{ ref('welfare_distribution_by_percentile') }}
    where region_level = 'province'
    group by all
    union all
    select 'welfare_distribution_by_ranking', ranking, region_code, sum(households), sum(persons)
    from {{ ref('welfare_distribution_by_ranking') }}
    where region_level = 'province' and decile <> 'all'
    group by all
    union all
    select 'welfare_distribution_by_ranking', ranking || ' (all)', region_code, households, persons
    from {{ ref('welfare_distribution_by_ranking') }}
    where region_level = 'province' and decile = 'all'
    union all
    select 'welfare_ranking_agreement', ranking_a || ' x ' || ranking_b, region_code, sum(households), sum(persons)
    from {{ ref('welfare_ranking_agreement') }}
    where region_level = 'province'
    group by all
)

select counted.mart, counted.ranking, coalesce(counted.province_code, families.province_code) as province_code
from counted
full outer join families on counted.province_code = families.province_code
where counted.households is distinct from families.households or counted.persons is distinct from families.persons
