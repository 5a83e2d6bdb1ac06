-- INARISK hazard index per village and hazard: renamed, typed, hazard names and classes through the codebooks.
{%- set relation = source('inarisk', 'inarisk_bahaya') %}
with

source as (
    select * from {{ relation }}
),

hazard_codes as ({{ codebook_lookup(relation, 'jenis_bahaya', 'hazard_type', 'inarisk') }}),
class_codes as ({{ codebook_lookup(relation, 'kelas_bahaya', 'hazard_class', 'inarisk') }}),

final as (
    select
        source.kode_desa as village_code,
        left(source.kode_desa, 6) as district_code,
        left(source.kode_desa, 4) as regency_code,
        left(source.kode_desa, 2) as province_code,
        hazard_codes.hazard_type,
        cast(source.indeks_bahaya as double) as hazard_index,
        class_codes.hazard_class,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join hazard_codes on source.jenis_bahaya = hazard_codes.code
    left join class_codes on source.kelas_bahaya = class_codes.code
)

select * from final
