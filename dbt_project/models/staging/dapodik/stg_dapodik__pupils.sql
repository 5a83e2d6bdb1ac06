-- Dapodik pupils (peserta didik): renamed, typed, codes through the codebooks. One row per pupil (NISN).
{%- set relation = source('dapodik', 'dapodik_peserta_didik') %}
with

source as (
    select * from {{ relation }}
),

sex_codes as ({{ codebook_lookup(relation, 'jenis_kelamin', 'sex', 'dapodik') }}),
school_form_codes as (
    {{ codebook_lookup(relation, 'bentuk_pendidikan', 'school_form', 'dapodik', ['school_form', 'education_stage']) }}
),
disability_codes as (
    {{ codebook_lookup(relation, 'kebutuhan_khusus', 'disability', 'dapodik', ['disability_type', 'disability_group']) }}
),

final as (
    select
        source.nisn as pupil_id,
        nullif(trim(source.nik), '') as nik,
        source.nama as full_name,
        sex_codes.sex,
        cast(source.tanggal_lahir as date) as birth_date,
        source.npsn as school_id,
        source.nama_sekolah as school_name,
        school_form_codes.school_form,
        school_form_codes.education_stage,
        cast(source.tingkat_pendidikan as integer) as grade,
        disability_codes.disability_type,
        disability_codes.disability_group,
        source.kode_wilayah as district_code,
        left(source.kode_wilayah, 4) as regency_code,
        left(source.kode_wilayah, 2) as province_code,
        source.semester_id,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join sex_codes on source.jenis_kelamin = sex_codes.code
    left join school_form_codes on source.bentuk_pendidikan = school_form_codes.code
    left join disability_codes on source.kebutuhan_khusus = disability_codes.code
)

select * from final
