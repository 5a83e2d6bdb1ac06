-- Within a region and indicator, the numerators and denominators of each disaggregation (sex, disability, decile)
-- sum to the total's: returns the region, indicator and disaggregation that do not.
with

totals as (
    select region_level, region_code, indicator_code, numerator, denominator
    from {{ ref('spm_indicators') }}
    where disaggregation = 'total'
),

parts as (
    select region_level, region_code, indicator_code, disaggregation, sum(numerator) as numerator,
        sum(denominator) as denominator
    from {{ ref('spm_indicators') }}
    where disaggregation <> 'total'
    group by all
)

select parts.region_level, parts.region_code, parts.indicator_code, parts.disaggregation
from parts
inner join totals
    on parts.region_level = totals.region_level
    and parts.region_code is not distinct from totals.region_code
    and parts.indicator_code = totals.indicator_code
where parts.numerator <> totals.numerator or parts.denominator <> totals.denominator
