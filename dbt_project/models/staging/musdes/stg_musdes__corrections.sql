-- Village forum (Musdes/Muskel) and SID correction proposals: renamed, typed, proposal types and feeds through
-- the codebooks. One row per proposal; int_registry_corrections matches them to registry records.
{%- set relation = source('musdes', 'musdes_usulan') %}
with

source as (
    select * from {{ relation }}
),

type_codes as ({{ codebook_lookup(relation, 'jenis_usulan', 'correction_type', 'musdes') }}),
feed_codes as ({{ codebook_lookup(relation, 'sumber', 'correction_feed', 'musdes') }}),

final as (
    select
        source.id_usulan as proposal_id,
        nullif(trim(source.nik), '') as nik,
        type_codes.correction_type,
        cast(source.tanggal_peristiwa as date) as event_on,
        cast(source.tanggal_musdes as date) as forum_on,
        source.kode_desa as village_code,
        left(source.kode_desa, 6) as district_code,
        left(source.kode_desa, 4) as regency_code,
        left(source.kode_desa, 2) as province_code,
        source.kode_desa_tujuan as destination_village_code,
        feed_codes.correction_feed,
        source.keterangan as remarks,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join type_codes on source.jenis_usulan = type_codes.code
    left join feed_codes on source.sumber = feed_codes.code
)

select * from final
