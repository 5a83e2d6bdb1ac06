-- Regsosek household members (individu): renamed, typed, codes through the codebooks. One row per raw row.
{%- set relation = source('regsosek', 'regsosek_individu') %}
{%- set difficulties = {
    'seeing': 'sulit_melihat', 'hearing': 'sulit_mendengar', 'walking': 'sulit_berjalan',
    'remembering': 'sulit_mengingat', 'self_care': 'sulit_mengurus_diri', 'communicating': 'sulit_berkomunikasi',
} %}
with

source as (
    select * from {{ relation }}
),

sex_codes as ({{ codebook_lookup(relation, 'jenis_kelamin', 'sex', 'regsosek') }}),
relationship_codes as ({{ codebook_lookup(relation, 'hubungan_kk', 'relationship_to_head', 'regsosek') }}),
marital_codes as ({{ codebook_lookup(relation, 'status_kawin', 'marital_status', 'regsosek') }}),
education_codes as ({{ codebook_lookup(relation, 'pendidikan', 'education_level', 'regsosek') }}),
school_codes as ({{ codebook_lookup(relation, 'status_sekolah', 'school_status', 'regsosek') }}),
work_codes as ({{ codebook_lookup(relation, 'status_bekerja', 'work_status', 'regsosek') }}),
sector_codes as ({{ codebook_lookup(relation, 'lapangan_usaha', 'industry_sector', 'regsosek') }}),
{%- for domain, column in difficulties.items() %}
{{ domain }}_codes as ({{ codebook_lookup(relation, column, 'functional_difficulty', 'regsosek') }}),
{%- endfor %}
pregnancy_codes as ({{ codebook_lookup(relation, 'hamil', 'yes_no', 'regsosek', ['is_yes'], unknown_value='null') }}),

final as (
    select
        source.id_art as person_id,
        source.id_keluarga as household_id,
        nullif(trim(source.nik), '') as nik,
        source.nama as full_name,
        sex_codes.sex,
        cast(source.tanggal_lahir as date) as birth_date,
        relationship_codes.relationship_to_head,
        marital_codes.marital_status,
        education_codes.education_level,
        school_codes.school_status,
        work_codes.work_status,
        sector_codes.industry_sector,
        {%- for domain in difficulties %}
        {{ domain }}_codes.functional_difficulty as difficulty_{{ domain }},
        {%- endfor %}
        pregnancy_codes.is_yes as is_pregnant,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join sex_codes on source.jenis_kelamin = sex_codes.code
    left join relationship_codes on source.hubungan_kk = relationship_codes.code
    left join marital_codes on source.status_kawin = marital_codes.code
    left join education_codes on source.pendidikan = education_codes.code
    left join school_codes on source.status_sekolah = school_codes.code
    left join work_codes on source.status_bekerja = work_codes.code
    left join sector_codes on source.lapangan_usaha = sector_codes.code
    {%- for domain, column in difficulties.items() %}
    left join {{ domain }}_codes on source.{{ column }} = {{ domain }}_codes.code
    {%- endfor %}
    left join pregnancy_codes on source.hamil = pregnancy_codes.code
)

select * from final
