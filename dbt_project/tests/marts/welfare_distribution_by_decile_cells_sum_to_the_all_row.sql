-- In every province and regency row group of a decile, the sex x age group x disability cells sum to the region's
-- 'all' row: returns the region and decile that do not.
with

totals as (
    select region_level, region_code, decile, persons, households
    from {{ ref('welfare_distribution_by_decile') }}
    where sex = 'all'
),

cells as (
    select region_level, region_code, decile, sum(persons) as persons, sum(households) as households
    from {{ ref('welfare_distribution_by_decile') }}
    where sex <> 'all'
    group by all
)

select totals.region_level, totals.region_code, totals.decile
from totals
inner join cells
    on totals.region_level = cells.region_level
    and totals.region_code = cells.region_code
    and totals.decile = cells.decile
where totals.persons <> cells.persons or totals.households <> cells.households
