-- Families with living members whose Regsosek geotag lies in a coastal-flood (banjir rob) zone, by region
-- (province, regency), hazard class and decile band (deciles 1-4, 5-10, unknown), with their living members and
-- RTLH houses: the coastal overlay of the SEPAKAT analyses (West Nusa Tenggara's case). Publishable: small counts and the cells that would
-- give them away are suppressed (NULL) as its yml declares (macros/disclosure.sql).
with

exposed as (
    -- A family in two coastal-flood zones of one class counts once.
    select distinct
        family_key, province_code, regency_code, hazard_class, members_living, is_rtlh,
        decile_band
    from {{ ref('int_marts_family_zones') }}
    where layer = 'hazard' and hazard_type = 'coastal_flood'
),

grouped as (
    select
        {{- region_grouping() }},
        hazard_class,
        decile_band,
        count(*) as coastal_households,
        sum(members_living) as coastal_persons,
        count(*) filter (where is_rtlh) as coastal_households_rtlh
    from exposed
    group by grouping sets (
        (province_code, hazard_class, decile_band),
        (province_code, regency_code, hazard_class, decile_band)
    )
),

cells as (
    {{ published_region_cells(['hazard_class', 'decile_band'],
                              ['coastal_households', 'coastal_persons', 'coastal_households_rtlh']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'hazard_class', 'decile_band']) }}

select * from final
