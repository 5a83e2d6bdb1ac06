-- DTKS households (ruta, SIKS-NG export): renamed, typed, labels through the codebooks. One row per raw row.
{%- set relation = source('dtks', 'dtks_ruta') %}
with

source as (
    select * from {{ relation }}
),

decile_codes as ({{ codebook_lookup(relation, 'desil', 'decile', 'dtks', unknown_value='null') }}),
pkh_codes as ({{ codebook_lookup(relation, 'pkh', 'yes_no', 'dtks', ['is_yes'], unknown_value='null') }}),
bpnt_codes as ({{ codebook_lookup(relation, 'bpnt', 'yes_no', 'dtks', ['is_yes'], unknown_value='null') }}),
roof_codes as ({{ codebook_lookup(relation, 'atap', 'roof_material', 'dtks') }}),
wall_codes as ({{ codebook_lookup(relation, 'dinding', 'wall_material', 'dtks') }}),
floor_codes as ({{ codebook_lookup(relation, 'lantai', 'floor_material', 'dtks') }}),
water_codes as ({{ codebook_lookup(relation, 'sumber_air', 'drinking_water_source', 'dtks') }}),
sanitation_codes as ({{ codebook_lookup(relation, 'jamban', 'sanitation_facility', 'dtks') }}),
lighting_codes as ({{ codebook_lookup(relation, 'penerangan', 'lighting_source', 'dtks') }}),

final as (
    select
        source.id_dtks as household_id,
        source.no_kk as kk_number,
        source.kode_desa as village_code,
        left(source.kode_desa, 6) as district_code,
        left(source.kode_desa, 4) as regency_code,
        left(source.kode_desa, 2) as province_code,
        source.alamat as address,
        cast(decile_codes.decile as integer) as decile,
        pkh_codes.is_yes as receives_pkh,
        bpnt_codes.is_yes as receives_bpnt,
        roof_codes.roof_material,
        wall_codes.wall_material,
        floor_codes.floor_material,
        cast(source.luas_lantai as double) as floor_area_m2,
        water_codes.drinking_water_source,
        sanitation_codes.sanitation_facility,
        lighting_codes.lighting_source,
        cast(source.tgl_update as date) as updated_on,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join decile_codes on source.desil = decile_codes.code
    left join pkh_codes on source.pkh = pkh_codes.code
    left join bpnt_codes on source.bpnt = bpnt_codes.code
    left join roof_codes on source.atap = roof_codes.code
    left join wall_codes on source.dinding = wall_codes.code
    left join floor_codes on source.lantai = floor_codes.code
    left join water_codes on source.sumber_air = water_codes.code
    left join sanitation_codes on source.jamban = sanitation_codes.code
    left join lighting_codes on source.penerangan = lighting_codes.code
)

select * from final
