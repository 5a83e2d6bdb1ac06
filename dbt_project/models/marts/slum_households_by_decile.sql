-- Families with living members whose Regsosek geotag lies in a designated slum area (kawasan kumuh), by region
-- (province, regency) and decile band (deciles 1-4, 5-10, unknown), with their living members and RTLH houses:
-- where slum upgrading (KOTAKU) and social assistance meet. Publishable: small counts and the cells that would give them away
-- are suppressed (NULL) as its yml declares (macros/disclosure.sql).
with

exposed as (
    -- A family in two slum areas counts once.
    select distinct
        family_key, province_code, regency_code, members_living, is_rtlh,
        decile_band
    from {{ ref('int_marts_family_zones') }}
    where layer = 'slum'
),

grouped as (
    select
        {{- region_grouping() }},
        decile_band,
        count(*) as slum_households,
        sum(members_living) as slum_persons,
        count(*) filter (where is_rtlh) as slum_households_rtlh
    from exposed
    group by grouping sets (
        (province_code, decile_band),
        (province_code, regency_code, decile_band)
    )
),

cells as (
    {{ published_region_cells(['decile_band'], ['slum_households', 'slum_persons', 'slum_households_rtlh']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'decile_band']) }}

select * from final
