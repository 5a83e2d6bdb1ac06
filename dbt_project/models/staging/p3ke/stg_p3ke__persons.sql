-- P3KE family members (individu): renamed, typed, labels through the codebooks. One row per raw row.
{%- set relation = source('p3ke', 'p3ke_individu') %}
with

source as (
    select * from {{ relation }}
),

sex_codes as ({{ codebook_lookup(relation, 'jenis_kelamin', 'sex', 'p3ke') }}),
relationship_codes as (
    {{ codebook_lookup(relation, 'hubungan_dengan_kepala_keluarga', 'relationship_to_head', 'p3ke') }}
),
education_codes as ({{ codebook_lookup(relation, 'pendidikan', 'education_level', 'p3ke') }}),
occupation_codes as ({{ codebook_lookup(relation, 'pekerjaan', 'occupation', 'p3ke') }}),
disability_codes as (
    {{ codebook_lookup(relation, 'status_disabilitas', 'disability', 'p3ke', ['disability_type', 'disability_group']) }}
),

final as (
    select
        source.id_individu as person_id,
        source.id_keluarga_p3ke as family_id,
        nullif(trim(source.nik), '') as nik,
        source.nama as full_name,
        sex_codes.sex,
        cast(source.tanggal_lahir as date) as birth_date,
        relationship_codes.relationship_to_head,
        education_codes.education_level,
        occupation_codes.occupation,
        disability_codes.disability_type,
        disability_codes.disability_group,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join sex_codes on source.jenis_kelamin = sex_codes.code
    left join relationship_codes on source.hubungan_dengan_kepala_keluarga = relationship_codes.code
    left join education_codes on source.pendidikan = education_codes.code
    left join occupation_codes on source.pekerjaan = occupation_codes.code
    left join disability_codes on source.status_disabilitas = disability_codes.code
)

select * from final
