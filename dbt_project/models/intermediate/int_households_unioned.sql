{{ config(materialized='view') }}
-- Household (Regsosek keluarga, DTKS ruta) and family (P3KE keluarga) records in one shape, with how many
-- members each registry lists. Registries that do not collect an item leave it NULL (P3KE: floor area,
-- lighting, cooking fuel, tenure; DTKS: cooking fuel, tenure).
with

regsosek_households as (
    select * from {{ ref('stg_regsosek__households') }}
),

dtks_households as (
    select * from {{ ref('stg_dtks__households') }}
),

p3ke_families as (
    select * from {{ ref('stg_p3ke__families') }}
),

regsosek_members as (
    select household_id, cast(count(*) as integer) as members_listed
    from {{ ref('stg_regsosek__persons') }}
    group by household_id
),

dtks_members as (
    select household_id, cast(count(*) as integer) as members_listed
    from {{ ref('stg_dtks__persons') }}
    group by household_id
),

p3ke_members as (
    select family_id, cast(count(*) as integer) as members_listed
    from {{ ref('stg_p3ke__persons') }}
    group by family_id
),

regsosek as (
    select
        'regsosek_keluarga:' || regsosek_households.household_id as household_record_key,
        'regsosek' as registry,
        'regsosek_keluarga' as source_table,
        regsosek_households.household_id as record_id,
        regsosek_households.kk_number,
        regsosek_households.village_code,
        regsosek_households.district_code,
        regsosek_households.regency_code,
        regsosek_households.province_code,
        regsosek_households.decile as registry_decile,
        regsosek_households.household_size_recorded,
        coalesce(regsosek_members.members_listed, 0) as members_listed,
        regsosek_households.floor_area_m2,
        regsosek_households.roof_material,
        regsosek_households.wall_material,
        regsosek_households.floor_material,
        regsosek_households.drinking_water_source,
        regsosek_households.sanitation_facility,
        regsosek_households.lighting_source,
        regsosek_households.cooking_fuel,
        regsosek_households.tenure_status,
        cast(null as boolean) as receives_pkh,
        cast(null as boolean) as receives_bpnt,
        regsosek_households.enumerated_on as record_date,
        regsosek_households.source_file,
        regsosek_households.source_line
    from regsosek_households
    left join regsosek_members on regsosek_households.household_id = regsosek_members.household_id
),

dtks as (
    select
        'dtks_ruta:' || dtks_households.household_id as household_record_key,
        'dtks' as registry,
        'dtks_ruta' as source_table,
        dtks_households.household_id as record_id,
        dtks_households.kk_number,
        dtks_households.village_code,
        dtks_households.district_code,
        dtks_households.regency_code,
        dtks_households.province_code,
        dtks_households.decile as registry_decile,
        cast(null as integer) as household_size_recorded,
        coalesce(dtks_members.members_listed, 0) as members_listed,
        dtks_households.floor_area_m2,
        dtks_households.roof_material,
        dtks_households.wall_material,
        dtks_households.floor_material,
        dtks_households.drinking_water_source,
        dtks_households.sanitation_facility,
        dtks_households.lighting_source,
        cast(null as varchar) as cooking_fuel,
        cast(null as varchar) as tenure_status,
        dtks_households.receives_pkh,
        dtks_households.receives_bpnt,
        dtks_households.updated_on as record_date,
        dtks_households.source_file,
        dtks_households.source_line
    from dtks_households
    left join dtks_members on dtks_households.household_id = dtks_members.household_id
),

p3ke as (
    select
        'p3ke_keluarga:' || p3ke_families.family_id as household_record_key,
        'p3ke' as registry,
        'p3ke_keluarga' as source_table,
        p3ke_families.family_id as record_id,
        p3ke_families.kk_number,
        p3ke_families.village_code,
        p3ke_families.district_code,
        p3ke_families.regency_code,
        p3ke_families.province_code,
        p3ke_families.decile as registry_decile,
        cast(null as integer) as household_size_recorded,
        coalesce(p3ke_members.members_listed, 0) as members_listed,
        cast(null as double) as floor_area_m2,
        p3ke_families.roof_material,
        p3ke_families.wall_material,
        p3ke_families.floor_material,
        p3ke_families.drinking_water_source,
        p3ke_families.sanitation_facility,
        cast(null as varchar) as lighting_source,
        cast(null as varchar) as cooking_fuel,
        cast(null as varchar) as tenure_status,
        p3ke_families.receives_pkh,
        p3ke_families.receives_bpnt,
        cast(null as date) as record_date,
        p3ke_families.source_file,
        p3ke_families.source_line
    from p3ke_families
    left join p3ke_members on p3ke_families.family_id = p3ke_members.family_id
),

final as (
    select * from regsosek
    union all
    select * from dtks
    union all
    select * from p3ke
)

select * from final
