-- Regsosek households (keluarga): renamed, typed, the BPS village code through the crosswalk to the Kemendagri
-- code, codes through the codebooks. One row per raw row.
with source as ({{ staging_source('regsosek', 'regsosek_keluarga', [
    staging_code('bahan_bakar', 'cooking_fuel'),
    staging_code('desil', 'decile', unknown_value='null'),
    staging_code('status_rumah', 'tenure_status'),
] + staging_housing_codes(
    roof='atap', wall='dinding', floor='lantai',
    drinking_water='air_minum', sanitation='fasilitas_bab', lighting='penerangan',
)) }}),

village_crosswalk as (
    select bps_code, kemendagri_code
    from {{ ref('ref_region_crosswalk_bps') }}
    where level = 'village'
),

final as (
    select
        id_keluarga as household_id,
        no_kk as kk_number,
        {{ staging_region_codes('village_crosswalk.kemendagri_code') }},
        kode_wilayah_bps as village_code_bps,
        alamat as address,
        rt,
        rw,
        cast(latitude as double) as latitude,
        cast(longitude as double) as longitude,
        cast(jumlah_art as integer) as household_size_recorded,
        cast(decile as integer) as decile,
        -- DTSEN's national percentile 1-100; a value off that scale is a keying slip and becomes NULL.
        case when persentil between 1 and 100 then cast(persentil as integer) end as percentile,
        cast(luas_lantai as double) as floor_area_m2,
        roof_material,
        wall_material,
        floor_material,
        drinking_water_source,
        sanitation_facility,
        lighting_source,
        cooking_fuel,
        tenure_status,
        cast(tanggal_pendataan as date) as enumerated_on,
        {{ staging_lineage() }}
    from source
    left join village_crosswalk on source.kode_wilayah_bps = village_crosswalk.bps_code
)

select * from final
