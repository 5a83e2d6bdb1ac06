-- INARISK hazard index per village and hazard: renamed, typed, hazard names and classes through the codebooks.
with source as ({{ staging_source('inarisk', 'inarisk_bahaya', [
    staging_code('jenis_bahaya', 'hazard_type'),
    staging_code('kelas_bahaya', 'hazard_class'),
]) }}),

final as (
    select
        {{ staging_region_codes('kode_desa') }},
        hazard_type,
        cast(indeks_bahaya as double) as hazard_index,
        hazard_class,
        {{ staging_lineage() }}
    from source
)

select * from final
