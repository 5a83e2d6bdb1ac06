-- Regsosek household members (individu): renamed, typed, codes through the codebooks. One row per raw row.
{%- set difficulties = {
    'seeing': 'sulit_melihat', 'hearing': 'sulit_mendengar', 'walking': 'sulit_berjalan',
    'remembering': 'sulit_mengingat', 'self_care': 'sulit_mengurus_diri', 'communicating': 'sulit_berkomunikasi',
} %}
{%- set difficulty_codes = [] %}
{%- for domain, column in difficulties.items() %}
    {%- do difficulty_codes.append(
        staging_code(column, 'functional_difficulty', {'functional_difficulty': 'difficulty_' ~ domain})) %}
{%- endfor %}
with source as ({{ staging_source('regsosek', 'regsosek_individu', [
    staging_code('hamil', 'yes_no', {'is_yes': 'is_pregnant'}, unknown_value='null'),
    staging_code('hubungan_kk', 'relationship_to_head'),
    staging_code('jenis_kelamin', 'sex'),
    staging_code('lapangan_usaha', 'industry_sector'),
    staging_code('pendidikan', 'education_level'),
    staging_code('status_bekerja', 'work_status'),
    staging_code('status_kawin', 'marital_status'),
    staging_code('status_pekerjaan', 'employment_status'),
    staging_code('status_sekolah', 'school_status'),
] + difficulty_codes) }}),

final as (
    select
        id_art as person_id,
        id_keluarga as household_id,
        {{ staging_person_identity(nik='nik', full_name='nama', sex='sex', birth_date='tanggal_lahir') }},
        relationship_to_head,
        marital_status,
        education_level,
        school_status,
        work_status,
        industry_sector,
        employment_status,
        {%- for domain in difficulties %}
        difficulty_{{ domain }},
        {%- endfor %}
        is_pregnant,
        {{ staging_lineage() }}
    from source
)

select * from final
