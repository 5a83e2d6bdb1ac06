-- DIBI (BNPB) disaster events: renamed, typed, the disaster type through the hazard codebook (the vocabulary of
-- INARISK's hazards, so that events sit beside the households in zones of the same hazard).
with source as ({{ staging_source('dibi', 'dibi_kejadian', [
    staging_code('jenis_bencana', 'hazard_type'),
]) }}),

final as (
    select
        id_kejadian as event_id,
        cast(tanggal_kejadian as date) as occurred_on,
        cast(year(tanggal_kejadian) as integer) as event_year,
        {{ staging_region_codes('kode_kabupaten', level='regency') }},
        kode_kecamatan as district_code,
        hazard_type,
        cast(meninggal as integer) as deaths,
        cast(hilang as integer) as missing,
        cast(terluka as integer) as injured,
        cast(mengungsi as integer) as displaced,
        cast(rumah_rusak_berat as integer) as houses_heavily_damaged,
        cast(rumah_rusak_sedang as integer) as houses_moderately_damaged,
        cast(rumah_rusak_ringan as integer) as houses_lightly_damaged,
        {{ staging_lineage() }}
    from source
)

select * from final
