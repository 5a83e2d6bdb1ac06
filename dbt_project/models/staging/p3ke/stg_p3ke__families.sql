-- P3KE families (keluarga): renamed, typed, dotted village codes without dots, "Desil n" and labels through
-- the codebooks. One row per raw row.
{%- set relation = source('p3ke', 'p3ke_keluarga') %}
with

source as (
    select * from {{ relation }}
),

decile_codes as ({{ codebook_lookup(relation, 'desil_kesejahteraan', 'decile', 'p3ke', unknown_value='null') }}),
roof_codes as ({{ codebook_lookup(relation, 'jenis_atap', 'roof_material', 'p3ke') }}),
wall_codes as ({{ codebook_lookup(relation, 'jenis_dinding', 'wall_material', 'p3ke') }}),
floor_codes as ({{ codebook_lookup(relation, 'jenis_lantai', 'floor_material', 'p3ke') }}),
water_codes as ({{ codebook_lookup(relation, 'sumber_air_minum', 'drinking_water_source', 'p3ke') }}),
sanitation_codes as ({{ codebook_lookup(relation, 'fasilitas_bab', 'sanitation_facility', 'p3ke') }}),
bpnt_codes as ({{ codebook_lookup(relation, 'penerima_bpnt', 'yes_no', 'p3ke', ['is_yes'], unknown_value='null') }}),
pkh_codes as ({{ codebook_lookup(relation, 'penerima_pkh', 'yes_no', 'p3ke', ['is_yes'], unknown_value='null') }}),

final as (
    select
        source.id_keluarga_p3ke as family_id,
        source.no_kk as kk_number,
        replace(source.kode_desa, '.', '') as village_code,
        left(replace(source.kode_desa, '.', ''), 6) as district_code,
        left(replace(source.kode_desa, '.', ''), 4) as regency_code,
        left(replace(source.kode_desa, '.', ''), 2) as province_code,
        source.provinsi as province_name,
        source.kabupaten_kota as regency_name,
        source.kecamatan as district_name,
        source.desa_kelurahan as village_name,
        source.alamat as address,
        cast(decile_codes.decile as integer) as decile,
        roof_codes.roof_material,
        wall_codes.wall_material,
        floor_codes.floor_material,
        water_codes.drinking_water_source,
        sanitation_codes.sanitation_facility,
        bpnt_codes.is_yes as receives_bpnt,
        pkh_codes.is_yes as receives_pkh,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join decile_codes on source.desil_kesejahteraan = decile_codes.code
    left join roof_codes on source.jenis_atap = roof_codes.code
    left join wall_codes on source.jenis_dinding = wall_codes.code
    left join floor_codes on source.jenis_lantai = floor_codes.code
    left join water_codes on source.sumber_air_minum = water_codes.code
    left join sanitation_codes on source.fasilitas_bab = sanitation_codes.code
    left join bpnt_codes on source.penerima_bpnt = bpnt_codes.code
    left join pkh_codes on source.penerima_pkh = pkh_codes.code
)

select * from final
