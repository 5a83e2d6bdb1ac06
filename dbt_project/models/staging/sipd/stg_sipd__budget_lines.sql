-- SIPD budget (APBD) lines: renamed, typed, the government's region code split into levels, funding sources
-- through the codebook. One row per government, sub-activity and funding source.
with source as ({{ staging_source('sipd', 'sipd_anggaran', [
    staging_code('sumber_dana', 'funding_source'),
]) }}),

final as (
    select
        cast(tahun as integer) as fiscal_year,
        kode_pemda as government_code,
        case length(kode_pemda) when 2 then 'province' when 4 then 'regency' end as government_level,
        left(kode_pemda, 2) as province_code,
        case when length(kode_pemda) = 4 then kode_pemda end as regency_code,
        nama_pemda as government_name,
        kode_urusan as affair_code,
        kode_bidang_urusan as affair_field_code,
        kode_program as program_code,
        kode_kegiatan as activity_code,
        kode_sub_kegiatan as sub_activity_code,
        nama_sub_kegiatan as sub_activity_name,
        nama_skpd as agency_name,
        cast(pagu as decimal(20, 2)) as budget_ceiling_idr,
        cast(realisasi as decimal(20, 2)) as realised_idr,
        funding_source,
        {{ staging_lineage() }}
    from source
)

select * from final
