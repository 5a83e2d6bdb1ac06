-- Households (family units with living members) inside INARISK hazard zones by region (province, regency), hazard,
-- hazard class and reference decile, with their living members and RTLH houses: where disaster preparedness and
-- housing programmes meet poverty. A household counts under each hazard whose class in its village makes a
-- hazard zone (hazard_classes.in_hazard_zone). Publishable: small counts and the cells that would give them
-- away are suppressed (NULL) as its yml's config.meta.disclosure declares (macros/disclosure.sql).
with

families as (
    select * from {{ ref('int_marts_families') }}
    where members_living > 0
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

hazards as (
    select hazards.village_code, hazards.hazard_type, hazards.hazard_class
    from {{ ref('stg_inarisk__hazards') }} as hazards
    inner join {{ ref('hazard_classes') }} as classes on hazards.hazard_class = classes.hazard_class
    where classes.in_hazard_zone
),

exposed as (
    select
        families.family_key,
        families.province_code,
        families.regency_code,
        families.members_living,
        families.is_rtlh,
        hazards.hazard_type,
        hazards.hazard_class,
        coalesce(cast({{ decile_under_ranking('reference_ranking.ranking', 'families') }} as {{ dbt.type_string() }}), 'unknown') as reference_decile
    from families
    inner join hazards on families.village_code = hazards.village_code
    cross join reference_ranking
),

grouped as (
    select
        {{- region_grouping() }},
        hazard_type,
        hazard_class,
        reference_decile,
        count(*) as households,
        sum(members_living) as persons,
        count(*) filter (where is_rtlh) as households_rtlh
    from exposed
    group by grouping sets (
        (province_code, hazard_type, hazard_class, reference_decile),
        (province_code, regency_code, hazard_type, hazard_class, reference_decile)
    )
),

cells as (
    {{ published_region_cells(['hazard_type', 'hazard_class', 'reference_decile'],
                              ['households', 'persons', 'households_rtlh']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'hazard_type', 'hazard_class', 'reference_decile']) }}

select * from final
