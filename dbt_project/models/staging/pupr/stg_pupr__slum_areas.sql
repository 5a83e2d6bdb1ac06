-- Designated slum areas (kawasan kumuh) as polygons: renamed, the slum level through its codebook. The geometry
-- stays WKT text (WGS84 lon/lat), checked by the loader; the places stage joins households to it.
with source as ({{ staging_source('pupr', 'kawasan_kumuh', [
    staging_code('tingkat_kekumuhan', 'slum_level'),
]) }}),

final as (
    select
        id_kawasan as zone_id,
        {{ staging_region_codes('kode_kabupaten', level='regency') }},
        slum_level,
        cast(luas_ha as double) as area_ha,
        geometri as geometry_wkt,
        {{ staging_lineage() }}
    from source
)

select * from final
