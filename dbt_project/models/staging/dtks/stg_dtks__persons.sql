-- DTKS household members (ART): renamed, typed, labels through the codebooks. One row per raw row; DTKS can
-- list one person twice under two member ids (the linkage finds those, staging keeps both).
with source as ({{ staging_source('dtks', 'dtks_art', [
    staging_code('disabilitas', 'disability', ['disability_type', 'disability_group']),
    staging_code('hubungan_keluarga', 'relationship_to_head'),
    staging_code('jenis_kelamin', 'sex'),
    staging_code('komponen_pkh', 'pkh_component'),
    staging_code('pbi_jk', 'yes_no', {'is_yes': 'receives_pbi_jk'}, unknown_value='null'),
]) }}),

final as (
    select
        id_art as person_id,
        id_dtks as household_id,
        {{ staging_person_identity(nik='nik', full_name='nama', sex='sex', birth_date='tanggal_lahir') }},
        relationship_to_head,
        receives_pbi_jk,
        pkh_component,
        disability_type,
        disability_group,
        {{ staging_lineage() }}
    from source
)

select * from final
