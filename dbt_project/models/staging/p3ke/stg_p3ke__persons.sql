-- P3KE family members (individu): renamed, typed, labels through the codebooks. One row per raw row.
with source as ({{ staging_source('p3ke', 'p3ke_individu', [
    staging_code('hubungan_dengan_kepala_keluarga', 'relationship_to_head'),
    staging_code('jenis_kelamin', 'sex'),
    staging_code('pekerjaan', 'occupation'),
    staging_code('pendidikan', 'education_level'),
    staging_code('status_disabilitas', 'disability', ['disability_type', 'disability_group']),
]) }}),

final as (
    select
        id_individu as person_id,
        id_keluarga_p3ke as family_id,
        {{ staging_person_identity(nik='nik', full_name='nama', sex='sex', birth_date='tanggal_lahir') }},
        relationship_to_head,
        education_level,
        occupation,
        disability_type,
        disability_group,
        {{ staging_lineage() }}
    from source
)

select * from final
