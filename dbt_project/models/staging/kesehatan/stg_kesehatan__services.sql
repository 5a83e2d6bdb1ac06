-- Primary-care service records: renamed, typed, service types through the codebook to the SPM health
-- services. One row per service given.
with source as ({{ staging_source('kesehatan', 'kesehatan_layanan', [
    staging_code('jenis_layanan', 'health_service', ['health_service', 'spm_code']),
    staging_code('jk', 'sex'),
    staging_code('sesuai_standar', 'yes_no', {'is_yes': 'meets_standard'}, unknown_value='null'),
]) }}),

final as (
    select
        id_layanan as service_id,
        nullif(trim(nik), '') as nik,
        nama_pasien as full_name,
        cast(tgl_lahir as date) as birth_date,
        sex,
        {{ staging_region_codes('kode_desa') }},
        kode_puskesmas as puskesmas_id,
        health_service,
        -- An unknown service counts towards no SPM service: spm_code stays NULL, health_service says 'unknown'.
        nullif(spm_code, 'unknown') as spm_code,
        cast(tgl_layanan as timestamp) as served_at,
        cast(tgl_layanan as date) as served_on,
        meets_standard,
        {{ staging_lineage() }}
    from source
)

select * from final
