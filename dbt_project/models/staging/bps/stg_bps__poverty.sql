-- BPS Susenas (March) poverty per regency/city: renamed, typed, the BPS regency code translated to Kemendagri
-- through the crosswalk. One row per regency (the delivery is one year's table).
with source as ({{ staging_source('bps', 'bps_kemiskinan', []) }}),

crosswalk as (
    select bps_code, kemendagri_code from {{ ref('ref_region_crosswalk_bps') }} where level = 'regency'
),

final as (
    select
        crosswalk.kemendagri_code as regency_code,
        left(crosswalk.kemendagri_code, 2) as province_code,
        source.kode_wilayah as regency_code_bps,
        cast(source.tahun as integer) as survey_year,
        cast(source.persentase_penduduk_miskin_p0 as double) as poverty_headcount_p0_pct,
        cast(source.indeks_kedalaman_kemiskinan_p1 as double) as poverty_gap_p1,
        cast(source.indeks_keparahan_kemiskinan_p2 as double) as poverty_severity_p2,
        cast(source.garis_kemiskinan_rp_kapita_bulan as double) as poverty_line_idr_per_capita_month,
        cast(source.jumlah_penduduk_miskin_ribu_jiwa as double) as poor_persons_thousands,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join crosswalk on source.kode_wilayah = crosswalk.bps_code
)

select * from final
