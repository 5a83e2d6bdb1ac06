-- Primary-care service records: renamed, typed, service types through the codebook to the SPM health
-- services. One row per service given.
{%- set relation = source('kesehatan', 'kesehatan_layanan') %}
with

source as (
    select * from {{ relation }}
),

sex_codes as ({{ codebook_lookup(relation, 'jk', 'sex', 'kesehatan') }}),
service_codes as (
    -- An unknown service counts towards no SPM service: spm_code stays NULL, health_service says 'unknown'.
    select code, health_service, nullif(spm_code, 'unknown') as spm_code
    from ({{ codebook_lookup(relation, 'jenis_layanan', 'health_service', 'kesehatan', ['health_service', 'spm_code']) }})
),
standard_codes as (
    {{ codebook_lookup(relation, 'sesuai_standar', 'yes_no', 'kesehatan', ['is_yes'], unknown_value='null') }}
),

final as (
    select
        source.id_layanan as service_id,
        nullif(trim(source.nik), '') as nik,
        source.nama_pasien as full_name,
        cast(source.tgl_lahir as date) as birth_date,
        sex_codes.sex,
        source.kode_desa as village_code,
        left(source.kode_desa, 6) as district_code,
        left(source.kode_desa, 4) as regency_code,
        left(source.kode_desa, 2) as province_code,
        source.kode_puskesmas as puskesmas_id,
        service_codes.health_service,
        service_codes.spm_code,
        cast(source.tgl_layanan as timestamp) as served_at,
        cast(source.tgl_layanan as date) as served_on,
        standard_codes.is_yes as meets_standard,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    left join sex_codes on source.jk = sex_codes.code
    left join service_codes on source.jenis_layanan = service_codes.code
    left join standard_codes on source.sesuai_standar = standard_codes.code
)

select * from final
