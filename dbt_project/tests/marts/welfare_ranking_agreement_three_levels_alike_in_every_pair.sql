-- The families listed at three different welfare levels are counted once in every pair of rankings, so each pair of
-- a region sums to the same number: returns the region whose pairs differ.
select region_level, region_code
from (
    select region_level, region_code, ranking_a, ranking_b, sum(households_three_levels) as three_levels
    from {{ ref('welfare_ranking_agreement') }}
    group by all
)
group by region_level, region_code
having count(distinct three_levels) > 1
