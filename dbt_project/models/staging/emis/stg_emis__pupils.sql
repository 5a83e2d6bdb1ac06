-- EMIS madrasah pupils (Kemenag): renamed, typed, codes through the codebooks, in Dapodik's shape so that the
-- education indicators can count both. One row per pupil (NISN).
with source as ({{ staging_source('emis', 'emis_siswa', [
    staging_code('jenjang', 'school_form', ['school_form', 'education_stage']),
    staging_code('l_p', 'sex'),
]) }}),

final as (
    select
        nisn as pupil_id,
        {{ staging_person_identity(nik='nik', full_name='nama_siswa', sex='sex', birth_date='tgl_lahir') }},
        nsm as school_id,
        nama_madrasah as school_name,
        school_form,
        education_stage,
        cast(kelas as integer) as grade,
        {{ staging_region_codes('kode_kecamatan', level='district') }},
        tahun_pelajaran as academic_year,
        {{ staging_lineage() }}
    from source
)

select * from final
