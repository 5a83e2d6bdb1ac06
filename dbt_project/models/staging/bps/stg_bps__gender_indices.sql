-- BPS gender development index (IPG) and gender empowerment index (IDG) per regency/city: renamed, typed, the BPS
-- regency code translated to Kemendagri through the crosswalk. One row per regency.
with source as ({{ staging_source('bps', 'bps_gender', []) }}),

crosswalk as (
    select bps_code, kemendagri_code from {{ ref('ref_region_crosswalk_bps') }} where level = 'regency'
),

final as (
    select
        crosswalk.kemendagri_code as regency_code,
        left(crosswalk.kemendagri_code, 2) as province_code,
        source.kode_wilayah as regency_code_bps,
        cast(source.tahun as integer) as index_year,
        cast(source.ipg as double) as gender_development_index_ipg,
        cast(source.idg as double) as gender_empowerment_index_idg,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join crosswalk on source.kode_wilayah = crosswalk.bps_code
)

select * from final
