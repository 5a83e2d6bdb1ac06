-- spm_indicators as it may be published (Satu Data, RAD SPM): a cell is suppressed when its denominator is below
-- the var min_cell_count, or its numerator or the unserved (denominator - numerator) are small counts (1 to
-- min_cell_count - 1). When exactly one value of a disaggregation is suppressed, the next smallest is suppressed
-- too, so that the total minus the others does not give it away. Suppressed cells keep their row with NULL
-- figures and say why.
{%- set k = var('min_cell_count') | int %}
with

cells as (
    select * from {{ ref('spm_indicators') }}
),

primary_suppression as (
    select
        *,
        denominator < {{ k }}
            or {{ is_small_count('numerator') }}
            or {{ is_small_count('denominator - numerator') }} as small_cell
    from cells
),

complementary as (
    select
        *,
        count(*) filter (where small_cell) over disaggregation_cells as small_cells_in_group,
        count(*) over disaggregation_cells as cells_in_group,
        row_number() over (
            partition by region_level, region_code, indicator_code, disaggregation, small_cell
            order by denominator, disaggregation_value
        ) as size_rank
    from primary_suppression
    window disaggregation_cells as (partition by region_level, region_code, indicator_code, disaggregation)
),

flagged as (
    select
        *,
        case
            when small_cell then 'small_cell'
            when disaggregation <> 'total' and small_cells_in_group = 1 and cells_in_group > 1 and size_rank = 1
                then 'complementary'
        end as suppression_reason
    from complementary
),

final as (
    select
        region_level,
        region_code,
        region_name,
        province_code,
        regency_code,
        district_code,
        indicator_code,
        is_spm,
        sector,
        government_level,
        indicator,
        disaggregation,
        disaggregation_value,
        suppression_reason is not null as suppressed,
        suppression_reason,
        case when suppression_reason is null then numerator end as numerator,
        case when suppression_reason is null then denominator end as denominator,
        case when suppression_reason is null then achievement_pct end as achievement_pct,
        target_pct,
        case when suppression_reason is null then gap_to_target_pct end as gap_to_target_pct,
        case when suppression_reason is null then category end as category,
        case when suppression_reason is null then category_label end as category_label,
        sipd_sub_activity_code
    from flagged
)

select * from final
