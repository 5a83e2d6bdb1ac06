-- DTKS households (ruta, SIKS-NG export): renamed, typed, labels through the codebooks. One row per raw row.
with source as ({{ staging_source('dtks', 'dtks_ruta', [
    staging_code('bpnt', 'yes_no', {'is_yes': 'receives_bpnt'}, unknown_value='null'),
    staging_code('desil', 'decile', unknown_value='null'),
    staging_code('pkh', 'yes_no', {'is_yes': 'receives_pkh'}, unknown_value='null'),
] + staging_housing_codes(
    roof='atap', wall='dinding', floor='lantai',
    drinking_water='sumber_air', sanitation='jamban', lighting='penerangan',
)) }}),

final as (
    select
        id_dtks as household_id,
        no_kk as kk_number,
        {{ staging_region_codes('kode_desa') }},
        alamat as address,
        cast(decile as integer) as decile,
        receives_pkh,
        receives_bpnt,
        roof_material,
        wall_material,
        floor_material,
        cast(luas_lantai as double) as floor_area_m2,
        drinking_water_source,
        sanitation_facility,
        lighting_source,
        cast(tgl_update as date) as updated_on,
        {{ staging_lineage() }}
    from source
)

select * from final
