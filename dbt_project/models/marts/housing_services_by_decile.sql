-- Basic services of the home by reference decile: households (family units with living members) by region
-- (province, regency), decile, service (drinking_water_source, sanitation_facility, lighting_source, cooking_fuel)
-- and category, with one row per region and decile (service and category 'all') holding every household, which
-- each service's categories add up to. Water and sanitation are the family's (int_marts_families: the best-ranked
-- record that knows them, as the SPM indicators pu_01 and pu_02 read them); lighting and cooking fuel are its
-- best-ranked record's (only Regsosek asks about cooking fuel, P3KE not about lighting). A category no record
-- knows is 'unknown'. Publishable: small counts and the cells that would give them away are suppressed (NULL) as
-- its yml's config.meta.disclosure declares (macros/disclosure.sql).
with

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

families as (
    select
        families.family_key,
        families.province_code,
        families.regency_code,
        coalesce(cast({{ decile_under_ranking('reference_ranking.ranking', 'families') }} as {{ dbt.type_string() }}), 'unknown')
            as reference_decile,
        coalesce(families.drinking_water_source, 'unknown') as drinking_water_source,
        coalesce(families.sanitation_facility, 'unknown') as sanitation_facility,
        coalesce(households.lighting_source, 'unknown') as lighting_source,
        coalesce(households.cooking_fuel, 'unknown') as cooking_fuel
    from {{ ref('int_marts_families') }} as families
    cross join reference_ranking
    left join {{ ref('int_households') }} as households
        on families.primary_record_key = households.household_record_key
    where families.members_living > 0
),

services as (
    {{ unpivot('families', ['drinking_water_source', 'sanitation_facility', 'lighting_source', 'cooking_fuel'],
               'service', 'category') }}
),

grouped as (
    select
        {{- region_grouping() }},
        reference_decile,
        service,
        category,
        count(*) as households
    from services
    group by grouping sets (
        (province_code, reference_decile, service, category),
        (province_code, regency_code, reference_decile, service, category)
    )
    union all
    select
        {{- region_grouping() }},
        reference_decile,
        'all' as service,
        'all' as category,
        count(*) as households
    from families
    group by grouping sets ((province_code, reference_decile), (province_code, regency_code, reference_decile))
),

cells as (
    {{ published_region_cells(['reference_decile', 'service', 'category'], ['households']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'reference_decile', 'service', 'category']) }}

select * from final
