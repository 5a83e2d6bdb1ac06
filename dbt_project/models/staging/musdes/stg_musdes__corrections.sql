-- Village forum (Musdes/Muskel) and SID correction proposals: renamed, typed, proposal types and feeds through
-- the codebooks. One row per proposal; int_registry_corrections matches them to registry records.
with source as ({{ staging_source('musdes', 'musdes_usulan', [
    staging_code('jenis_usulan', 'correction_type'),
    staging_code('sumber', 'correction_feed'),
]) }}),

final as (
    select
        id_usulan as proposal_id,
        nullif(trim(nik), '') as nik,
        correction_type,
        cast(tanggal_peristiwa as date) as event_on,
        cast(tanggal_musdes as date) as forum_on,
        {{ staging_region_codes('kode_desa') }},
        kode_desa_tujuan as destination_village_code,
        correction_feed,
        keterangan as remarks,
        {{ staging_lineage() }}
    from source
)

select * from final
