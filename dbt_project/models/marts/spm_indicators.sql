-- Minimum Service Standard (SPM) and regional indicators per region (province, regency, district): numerator,
-- denominator, achievement and SPM category, in total and by sex, disability and reference decile, for every
-- catalogue indicator the sources can compute (spm_indicator_methods; int_marts_spm_population), with its method,
-- the sources it counts and whether its target population is a proxy (and why).
--   achievement_pct = 100 x numerator / denominator, truncated to two decimals (never rounded up to a category)
--   category: spm_index_categories in force whose [min_index, max_index] holds achievement_pct
--   gap_to_target_pct = target_pct - achievement_pct
-- Internal: small cells are not suppressed here; spm_indicators_published is what leaves the warehouse.
{%- set as_of = "cast('" ~ var('as_of_date') ~ "' as date)" %}
with

population as (
    select * from {{ ref('int_marts_spm_population') }}
),

catalogue as (
    select
        spm_code as indicator_code, sector, government_level, service, indicator, target_pct,
        sipd_sub_activity_code, true as is_spm
    from {{ ref('spm_catalogue') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by spm_code order by valid_from desc) = 1
    union all
    select
        indicator_code, sector, government_level, service, indicator, target_pct, sipd_sub_activity_code,
        false as is_spm
    from {{ ref('regional_indicators') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by indicator_code order by valid_from desc) = 1
),

methods as (
    -- How each indicator is computed and whether its target population is a proxy, shown beside its figures.
    select indicator_code, method, counted_sources, is_proxy, proxy_note
    from {{ ref('spm_indicator_methods') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by indicator_code order by valid_from desc) = 1
),

categories as (
    select * from {{ ref('spm_index_categories') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by category order by valid_from desc) = 1
),

regions as (
    select region_code, name from {{ ref('ref_regions') }}
),

cells as (
    -- Each member counts once in the total and once in each disaggregation.
    select
        indicator_code,
        province_code,
        regency_code,
        district_code,
        in_numerator,
        {{ unnest_list(list_of([
            struct_of({'disaggregation': "'total'", 'disaggregation_value': "'all'"}),
            struct_of({'disaggregation': "'sex'", 'disaggregation_value': 'sex'}),
            struct_of({'disaggregation': "'disability'", 'disaggregation_value': 'disability'}),
            struct_of({'disaggregation': "'decile'", 'disaggregation_value': 'decile'}),
        ])) }} as cell
    from population
),

counted as (
    select
        indicator_code,
        cell.disaggregation as disaggregation,
        cell.disaggregation_value as disaggregation_value,
        {{- region_grouping(3) }},
        count(*) filter (where in_numerator) as numerator,
        count(*) as denominator
    from cells
    group by grouping sets (
        (indicator_code, cell.disaggregation, cell.disaggregation_value, province_code),
        (indicator_code, cell.disaggregation, cell.disaggregation_value, province_code, regency_code),
        (indicator_code, cell.disaggregation, cell.disaggregation_value, province_code, regency_code, district_code)
    )
),

measured as (
    select
        counted.*,
        {{ region_level('counted.grouping_id', 3) }} as region_level,
        {{ region_code('counted.grouping_id', 3, 'counted') }} as region_code,
        floor(10000.0 * counted.numerator / nullif(counted.denominator, 0)) / 100 as achievement_pct
    from counted
),

final as (
    select
        measured.region_level,
        measured.region_code,
        regions.name as region_name,
        measured.province_code,
        measured.regency_code,
        measured.district_code,
        measured.indicator_code,
        catalogue.is_spm,
        catalogue.sector,
        catalogue.government_level,
        catalogue.indicator,
        methods.method,
        methods.counted_sources,
        methods.is_proxy,
        methods.proxy_note,
        measured.disaggregation,
        measured.disaggregation_value,
        cast(measured.numerator as bigint) as numerator,
        cast(measured.denominator as bigint) as denominator,
        measured.achievement_pct,
        catalogue.target_pct,
        catalogue.target_pct - measured.achievement_pct as gap_to_target_pct,
        categories.category,
        categories.label_id as category_label,
        catalogue.sipd_sub_activity_code
    from measured
    inner join catalogue on measured.indicator_code = catalogue.indicator_code
    inner join methods on measured.indicator_code = methods.indicator_code
    left join categories on measured.achievement_pct between categories.min_index and categories.max_index
    left join regions on measured.region_code = regions.region_code
)

select * from final
