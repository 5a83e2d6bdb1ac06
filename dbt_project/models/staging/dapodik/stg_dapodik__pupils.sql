-- Dapodik pupils (peserta didik): renamed, typed, codes through the codebooks. One row per pupil (NISN).
with source as ({{ staging_source('dapodik', 'dapodik_peserta_didik', [
    staging_code('bentuk_pendidikan', 'school_form', ['school_form', 'education_stage']),
    staging_code('jenis_kelamin', 'sex'),
    staging_code('kebutuhan_khusus', 'disability', ['disability_type', 'disability_group']),
]) }}),

final as (
    select
        nisn as pupil_id,
        {{ staging_person_identity(nik='nik', full_name='nama', sex='sex', birth_date='tanggal_lahir') }},
        npsn as school_id,
        nama_sekolah as school_name,
        school_form,
        education_stage,
        cast(tingkat_pendidikan as integer) as grade,
        disability_type,
        disability_group,
        {{ staging_region_codes('kode_wilayah', level='district') }},
        semester_id,
        {{ staging_lineage() }}
    from source
)

select * from final
