-- Health insurance of the poorest: living persons whose family's reference decile is within the PBI-JK rule in
-- force (int_marts_program_rules.max_decile: deciles 1-4) by region (province, regency), decile and whether they
-- receive PBI-JK (DTKS, int_marts_program_units) or have no insurance the sources know of (none_known: the sources
-- hold no JKN membership list, so regionally paid or contributory members are among them). The gap a region can
-- close with its own budget, as Gorontalo did. Publishable: small counts and the cells that would give them away
-- are suppressed (NULL) as its yml's config.meta.disclosure declares (macros/disclosure.sql).
with

pbi_jk_rule as (
    select max(max_decile) as max_decile from {{ ref('int_marts_program_rules') }}
    where program = 'pbi_jk'
),

persons as (
    select
        persons.province_code,
        persons.regency_code,
        cast(persons.reference_decile as {{ dbt.type_string() }}) as reference_decile,
        case when persons.receives_pbi_jk then 'pbi_jk' else 'none_known' end as insurance
    from {{ ref('int_marts_social_persons') }} as persons
    cross join pbi_jk_rule
    where persons.reference_decile <= pbi_jk_rule.max_decile
),

grouped as (
    select
        {{- region_grouping() }},
        reference_decile,
        insurance,
        count(*) as persons
    from persons
    group by grouping sets (
        (province_code, reference_decile, insurance),
        (province_code, regency_code, reference_decile, insurance)
    )
),

cells as (
    {{ published_region_cells(['reference_decile', 'insurance'], ['persons']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'reference_decile', 'insurance']) }}

select * from final
