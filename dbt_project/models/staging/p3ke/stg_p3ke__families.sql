-- P3KE families (keluarga): renamed, typed, dotted village codes without dots, "Desil n" and labels through
-- the codebooks. One row per raw row.
with source as ({{ staging_source('p3ke', 'p3ke_keluarga', [
    staging_code('desil_kesejahteraan', 'decile', unknown_value='null'),
    staging_code('penerima_bpnt', 'yes_no', {'is_yes': 'receives_bpnt'}, unknown_value='null'),
    staging_code('penerima_pkh', 'yes_no', {'is_yes': 'receives_pkh'}, unknown_value='null'),
] + staging_housing_codes(
    roof='jenis_atap', wall='jenis_dinding', floor='jenis_lantai',
    drinking_water='sumber_air_minum', sanitation='fasilitas_bab',
)) }}),

final as (
    select
        id_keluarga_p3ke as family_id,
        no_kk as kk_number,
        {{ staging_region_codes("replace(kode_desa, '.', '')") }},
        provinsi as province_name,
        kabupaten_kota as regency_name,
        kecamatan as district_name,
        desa_kelurahan as village_name,
        alamat as address,
        cast(decile as integer) as decile,
        roof_material,
        wall_material,
        floor_material,
        drinking_water_source,
        sanitation_facility,
        receives_bpnt,
        receives_pkh,
        {{ staging_lineage() }}
    from source
)

select * from final
