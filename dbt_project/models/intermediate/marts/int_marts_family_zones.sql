-- One row per family unit and zone it lies in: the point-in-polygon result of the places stage (per Regsosek
-- household record) carried to the family unit that record belongs to, with the zone's layer, hazard and class or
-- slum level, and the family's region, reference decile, living members and RTLH house. A family only Regsosek
-- geotags: families without a Regsosek record are in no zone here (docs/analyses/places.md, "Limits").
with

household_zones as (
    select distinct household_id, zone_id, layer from {{ source('places', 'household_zones') }}
),

family_units as (
    select household_record_key, family_key from {{ ref('int_marts_family_units') }}
    where registry = 'regsosek'
),

families as (
    select * from {{ ref('int_marts_families') }}
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

deciles as (
    select decile, is_priority_band from {{ ref('decile_definitions') }}
),

hazard_zones as (
    select zone_id, hazard_type, hazard_class, cast(null as {{ dbt.type_string() }}) as slum_level
    from {{ ref('stg_inarisk__hazard_zones') }}
),

slum_areas as (
    select zone_id, cast(null as {{ dbt.type_string() }}) as hazard_type, cast(null as {{ dbt.type_string() }}) as hazard_class, slum_level
    from {{ ref('stg_pupr__slum_areas') }}
),

zones as (
    select * from hazard_zones
    union all
    select * from slum_areas
),

family_deciles as (
    select
        families.family_key,
        cast({{ decile_under_ranking('reference_ranking.ranking', 'families') }} as integer) as reference_decile
    from {{ ref('int_marts_families') }} as families
    cross join reference_ranking
),

family_zones as (
    -- A family with two Regsosek records in one zone is in it once.
    select distinct family_units.family_key, household_zones.zone_id, household_zones.layer
    from household_zones
    inner join family_units
        on family_units.household_record_key = {{ registry_record_key('regsosek_keluarga', 'household_zones.household_id') }}
),

final as (
    select
        family_zones.family_key,
        family_zones.zone_id,
        family_zones.layer,
        zones.hazard_type,
        zones.hazard_class,
        zones.slum_level,
        families.village_code,
        families.district_code,
        families.regency_code,
        families.province_code,
        families.members_living,
        families.is_rtlh,
        family_deciles.reference_decile,
        -- Deciles 1-4 (decile_definitions.is_priority_band), the rest, or a decile the reference ranking lacks.
        case when deciles.decile is null then 'unknown' when deciles.is_priority_band then 'priority' else 'other'
        end as decile_band
    from family_zones
    inner join zones on family_zones.zone_id = zones.zone_id
    inner join families on family_zones.family_key = families.family_key
    inner join family_deciles on family_zones.family_key = family_deciles.family_key
    left join deciles on family_deciles.reference_decile = deciles.decile
    where families.members_living > 0
)

select * from final
