-- BPS Sakernas (August) labour force per regency/city, one row per regency and sex: open unemployment rate (TPT)
-- and labour-force participation rate (TPAK), in percent. The BPS regency code is translated to Kemendagri
-- through the crosswalk.
with source as ({{ staging_source('bps', 'bps_ketenagakerjaan', []) }}),

crosswalk as (
    select bps_code, kemendagri_code from {{ ref('ref_region_crosswalk_bps') }} where level = 'regency'
),

by_sex as (
    select kode_wilayah, tahun, 'male' as sex, tpt_laki_laki as tpt, tpak_laki_laki as tpak, _source_file,
        _source_line
    from source
    union all
    select kode_wilayah, tahun, 'female', tpt_perempuan, tpak_perempuan, _source_file, _source_line
    from source
),

final as (
    select
        crosswalk.kemendagri_code as regency_code,
        left(crosswalk.kemendagri_code, 2) as province_code,
        by_sex.kode_wilayah as regency_code_bps,
        cast(by_sex.tahun as integer) as survey_year,
        by_sex.sex,
        cast(by_sex.tpt as double) as open_unemployment_rate_pct,
        cast(by_sex.tpak as double) as labour_force_participation_pct,
        by_sex._source_file as source_file,
        by_sex._source_line as source_line
    from by_sex
    left join crosswalk on by_sex.kode_wilayah = crosswalk.bps_code
)

select * from final
