-- Uninhabitable housing (RTLH) under each agency's rule set side by side: households (family units with living
-- members) by region (province, regency), rule set and verdict (rtlh, liveable, not_assessable), with one row per
-- region (rule_set and verdict 'all') holding every household, which each rule set's verdicts add up to. A house
-- whose unknown criteria could change the verdict is not assessable, never liveable (int_marts_family_rtlh).
-- Publishable: small counts and the cells that would give them away are suppressed (NULL) as its yml's
-- config.meta.disclosure declares (macros/disclosure.sql).
with

verdicts as (
    select * from {{ ref('int_marts_family_rtlh') }}
),

families as (
    select family_key, province_code, regency_code from {{ ref('int_marts_families') }}
    where members_living > 0
),

grouped as (
    select
        {{- region_grouping() }},
        rule_set,
        rtlh_verdict as verdict,
        count(*) as households
    from verdicts
    group by grouping sets ((province_code, rule_set, verdict), (province_code, regency_code, rule_set, verdict))
    union all
    select
        {{- region_grouping() }},
        'all' as rule_set,
        'all' as verdict,
        count(*) as households
    from families
    group by grouping sets ((province_code), (province_code, regency_code))
),

cells as (
    {{ published_region_cells(['rule_set', 'verdict'], ['households']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'rule_set', 'verdict']) }}

select * from final
