-- Families with living members whose Regsosek geotag lies in an INARISK hazard-zone polygon (coastal flood
-- included), by village, regency and province, hazard and class: all of them, those in reference deciles 1-4, and
-- their living members. The village rows are what the polygons add to the village-level INARISK index
-- (hazard_households_by_decile). A family in two zones of one hazard and class counts once. Publishable: small
-- counts and the cells that would give them away are suppressed (NULL) as its yml declares (macros/disclosure.sql).
with

exposed as (
    select distinct
        family_key, province_code, regency_code, village_code, hazard_type, hazard_class, members_living,
        decile_band = 'priority' as in_decile_1_4
    from {{ ref('int_marts_family_zones') }}
    where layer = 'hazard'
),

grouped as (
    select
        province_code,
        regency_code,
        village_code,
        grouping(regency_code, village_code) as grouping_id,
        hazard_type,
        hazard_class,
        count(*) as households,
        count(*) filter (where in_decile_1_4) as households_decile_1_4,
        sum(members_living) as persons
    from exposed
    group by grouping sets (
        (province_code, hazard_type, hazard_class),
        (province_code, regency_code, hazard_type, hazard_class),
        (province_code, regency_code, village_code, hazard_type, hazard_class)
    )
),

cells as (
    select
        case grouping_id when 3 then 'province' when 1 then 'regency' else 'village' end as region_level,
        case grouping_id when 3 then province_code when 1 then regency_code else village_code end as region_code,
        province_code,
        regency_code,
        village_code,
        hazard_type,
        hazard_class,
        cast(households as bigint) as households,
        cast(households_decile_1_4 as bigint) as households_decile_1_4,
        cast(persons as bigint) as persons
    from grouped
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'hazard_type', 'hazard_class']) }}

select * from final
