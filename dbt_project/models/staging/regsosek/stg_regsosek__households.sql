-- Regsosek households (keluarga): renamed, typed, the BPS village code through the crosswalk to the Kemendagri
-- code, codes through the codebooks. One row per raw row.
{%- set relation = source('regsosek', 'regsosek_keluarga') %}
with

source as (
    select * from {{ relation }}
),

village_crosswalk as (
    select bps_code, kemendagri_code
    from {{ ref('ref_region_crosswalk_bps') }}
    where level = 'village'
),

decile_codes as ({{ codebook_lookup(relation, 'desil', 'decile', 'regsosek', unknown_value='null') }}),
roof_codes as ({{ codebook_lookup(relation, 'atap', 'roof_material', 'regsosek') }}),
wall_codes as ({{ codebook_lookup(relation, 'dinding', 'wall_material', 'regsosek') }}),
floor_codes as ({{ codebook_lookup(relation, 'lantai', 'floor_material', 'regsosek') }}),
water_codes as ({{ codebook_lookup(relation, 'air_minum', 'drinking_water_source', 'regsosek') }}),
sanitation_codes as ({{ codebook_lookup(relation, 'fasilitas_bab', 'sanitation_facility', 'regsosek') }}),
lighting_codes as ({{ codebook_lookup(relation, 'penerangan', 'lighting_source', 'regsosek') }}),
fuel_codes as ({{ codebook_lookup(relation, 'bahan_bakar', 'cooking_fuel', 'regsosek') }}),
tenure_codes as ({{ codebook_lookup(relation, 'status_rumah', 'tenure_status', 'regsosek') }}),

final as (
    select
        source.id_keluarga as household_id,
        source.no_kk as kk_number,
        village_crosswalk.kemendagri_code as village_code,
        left(village_crosswalk.kemendagri_code, 6) as district_code,
        left(village_crosswalk.kemendagri_code, 4) as regency_code,
        left(village_crosswalk.kemendagri_code, 2) as province_code,
        source.kode_wilayah_bps as village_code_bps,
        source.alamat as address,
        source.rt,
        source.rw,
        cast(source.latitude as double) as latitude,
        cast(source.longitude as double) as longitude,
        cast(source.jumlah_art as integer) as household_size_recorded,
        cast(decile_codes.decile as integer) as decile,
        cast(source.luas_lantai as double) as floor_area_m2,
        roof_codes.roof_material,
        wall_codes.wall_material,
        floor_codes.floor_material,
        water_codes.drinking_water_source,
        sanitation_codes.sanitation_facility,
        lighting_codes.lighting_source,
        fuel_codes.cooking_fuel,
        tenure_codes.tenure_status,
        cast(source.tanggal_pendataan as date) as enumerated_on,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join village_crosswalk on source.kode_wilayah_bps = village_crosswalk.bps_code
    left join decile_codes on source.desil = decile_codes.code
    left join roof_codes on source.atap = roof_codes.code
    left join wall_codes on source.dinding = wall_codes.code
    left join floor_codes on source.lantai = floor_codes.code
    left join water_codes on source.air_minum = water_codes.code
    left join sanitation_codes on source.fasilitas_bab = sanitation_codes.code
    left join lighting_codes on source.penerangan = lighting_codes.code
    left join fuel_codes on source.bahan_bakar = fuel_codes.code
    left join tenure_codes on source.status_rumah = tenure_codes.code
)

select * from final
