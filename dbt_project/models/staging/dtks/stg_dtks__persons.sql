-- DTKS household members (ART): renamed, typed, labels through the codebooks. One row per raw row; DTKS can
-- list one person twice under two member ids (the linkage finds those, staging keeps both).
{%- set relation = source('dtks', 'dtks_art') %}
with

source as (
    select * from {{ relation }}
),

sex_codes as ({{ codebook_lookup(relation, 'jenis_kelamin', 'sex', 'dtks') }}),
relationship_codes as ({{ codebook_lookup(relation, 'hubungan_keluarga', 'relationship_to_head', 'dtks') }}),
pbi_codes as ({{ codebook_lookup(relation, 'pbi_jk', 'yes_no', 'dtks', ['is_yes'], unknown_value='null') }}),
pkh_component_codes as ({{ codebook_lookup(relation, 'komponen_pkh', 'pkh_component', 'dtks') }}),
disability_codes as (
    {{ codebook_lookup(relation, 'disabilitas', 'disability', 'dtks', ['disability_type', 'disability_group']) }}
),

final as (
    select
        source.id_art as person_id,
        source.id_dtks as household_id,
        nullif(trim(source.nik), '') as nik,
        source.nama as full_name,
        sex_codes.sex,
        cast(source.tanggal_lahir as date) as birth_date,
        relationship_codes.relationship_to_head,
        pbi_codes.is_yes as receives_pbi_jk,
        pkh_component_codes.pkh_component,
        disability_codes.disability_type,
        disability_codes.disability_group,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join sex_codes on source.jenis_kelamin = sex_codes.code
    left join relationship_codes on source.hubungan_keluarga = relationship_codes.code
    left join pbi_codes on source.pbi_jk = pbi_codes.code
    left join pkh_component_codes on source.komponen_pkh = pkh_component_codes.code
    left join disability_codes on source.disabilitas = disability_codes.code
)

select * from final
