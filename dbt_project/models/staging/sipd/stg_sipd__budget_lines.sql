-- SIPD budget (APBD) lines: renamed, typed, the government's region code split into levels, funding sources
-- through the codebook. One row per government, sub-activity and funding source.
{%- set relation = source('sipd', 'sipd_anggaran') %}
with

source as (
    select * from {{ relation }}
),

funding_codes as ({{ codebook_lookup(relation, 'sumber_dana', 'funding_source', 'sipd') }}),

final as (
    select
        cast(source.tahun as integer) as fiscal_year,
        source.kode_pemda as government_code,
        case length(source.kode_pemda) when 2 then 'province' when 4 then 'regency' end as government_level,
        left(source.kode_pemda, 2) as province_code,
        case when length(source.kode_pemda) = 4 then source.kode_pemda end as regency_code,
        source.nama_pemda as government_name,
        source.kode_urusan as affair_code,
        source.kode_bidang_urusan as affair_field_code,
        source.kode_program as program_code,
        source.kode_kegiatan as activity_code,
        source.kode_sub_kegiatan as sub_activity_code,
        source.nama_sub_kegiatan as sub_activity_name,
        source.nama_skpd as agency_name,
        cast(source.pagu as decimal(20, 2)) as budget_ceiling_idr,
        cast(source.realisasi as decimal(20, 2)) as realised_idr,
        funding_codes.funding_source,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join funding_codes on source.sumber_dana = funding_codes.code
)

select * from final
