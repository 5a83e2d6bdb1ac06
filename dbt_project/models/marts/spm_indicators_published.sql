-- spm_indicators as it may be published (Satu Data, RAD SPM), suppressed by the one disclosure rule
-- (macros/disclosure.sql) as its yml's config.meta.disclosure declares: a row is withheld when its numerator,
-- denominator or unserved (denominator - numerator) is a small count (1 to min_cell_count - 1), and further rows are
-- withheld until no withheld row can be recovered from a total by subtraction: the total of a disaggregation (sex,
-- disability, decile), the regency of its districts, the province of its regencies. Suppressed rows keep their
-- place with NULL figures and say why.
with

cells as (
    select * from {{ ref('spm_indicators') }}
),

suppressed as {{ suppress_small_cells('cells', order_by=['region_level', 'region_code', 'indicator_code',
                                                         'disaggregation', 'disaggregation_value']) }},

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
        method,
        counted_sources,
        is_proxy,
        proxy_note,
        disaggregation,
        disaggregation_value,
        suppressed,
        suppression_reason,
        numerator,
        denominator,
        achievement_pct,
        target_pct,
        gap_to_target_pct,
        category,
        category_label,
        sipd_sub_activity_code
    from suppressed
)

select * from final
