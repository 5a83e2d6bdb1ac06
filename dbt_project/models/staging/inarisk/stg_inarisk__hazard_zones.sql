-- INARISK hazard zones as polygons (with the coastal-flood layer): renamed, hazard names and classes through the
-- same codebooks as the village index. The geometry stays WKT text (WGS84 lon/lat), checked by the loader;
-- the places stage (sepakat_dagster/defs/places) joins households to it.
with source as ({{ staging_source('inarisk', 'inarisk_zona_bahaya', [
    staging_code('jenis_bahaya', 'hazard_type'),
    staging_code('kelas_bahaya', 'hazard_class'),
]) }}),

final as (
    select
        id_zona as zone_id,
        {{ staging_region_codes('kode_kabupaten', level='regency') }},
        hazard_type,
        hazard_class,
        geometri as geometry_wkt,
        {{ staging_lineage() }}
    from source
)

select * from final
