{{ config(materialized='view') }}
-- Person records of Regsosek, DTKS and P3KE in one shape, each with its household's village and decile and a
-- record key that is unique across registries ('<source table>:<id>'). A view: int_persons and
-- int_registry_corrections both read it, and DuckDB computes it inside their builds.
with

regsosek_persons as (
    select * from {{ ref('stg_regsosek__persons') }}
),

regsosek_households as (
    select * from {{ ref('stg_regsosek__households') }}
),

dtks_persons as (
    select * from {{ ref('stg_dtks__persons') }}
),

dtks_households as (
    select * from {{ ref('stg_dtks__households') }}
),

p3ke_persons as (
    select * from {{ ref('stg_p3ke__persons') }}
),

p3ke_families as (
    select * from {{ ref('stg_p3ke__families') }}
),

regsosek as (
    select
        'regsosek_individu:' || regsosek_persons.person_id as person_record_key,
        'regsosek' as registry,
        'regsosek_individu' as source_table,
        regsosek_persons.person_id as record_id,
        'regsosek_keluarga:' || regsosek_persons.household_id as household_record_key,
        regsosek_persons.nik,
        regsosek_persons.full_name,
        regsosek_persons.sex,
        regsosek_persons.birth_date,
        regsosek_persons.relationship_to_head,
        regsosek_households.village_code,
        regsosek_households.district_code,
        regsosek_households.regency_code,
        regsosek_households.province_code,
        regsosek_households.decile as registry_decile,
        regsosek_households.enumerated_on as record_date,
        regsosek_persons.source_file,
        regsosek_persons.source_line
    from regsosek_persons
    left join regsosek_households on regsosek_persons.household_id = regsosek_households.household_id
),

dtks as (
    select
        'dtks_art:' || dtks_persons.person_id as person_record_key,
        'dtks' as registry,
        'dtks_art' as source_table,
        dtks_persons.person_id as record_id,
        'dtks_ruta:' || dtks_persons.household_id as household_record_key,
        dtks_persons.nik,
        dtks_persons.full_name,
        dtks_persons.sex,
        dtks_persons.birth_date,
        dtks_persons.relationship_to_head,
        dtks_households.village_code,
        dtks_households.district_code,
        dtks_households.regency_code,
        dtks_households.province_code,
        dtks_households.decile as registry_decile,
        dtks_households.updated_on as record_date,
        dtks_persons.source_file,
        dtks_persons.source_line
    from dtks_persons
    left join dtks_households on dtks_persons.household_id = dtks_households.household_id
),

p3ke as (
    select
        'p3ke_individu:' || p3ke_persons.person_id as person_record_key,
        'p3ke' as registry,
        'p3ke_individu' as source_table,
        p3ke_persons.person_id as record_id,
        'p3ke_keluarga:' || p3ke_persons.family_id as household_record_key,
        p3ke_persons.nik,
        p3ke_persons.full_name,
        p3ke_persons.sex,
        p3ke_persons.birth_date,
        p3ke_persons.relationship_to_head,
        p3ke_families.village_code,
        p3ke_families.district_code,
        p3ke_families.regency_code,
        p3ke_families.province_code,
        p3ke_families.decile as registry_decile,
        cast(null as date) as record_date,
        p3ke_persons.source_file,
        p3ke_persons.source_line
    from p3ke_persons
    left join p3ke_families on p3ke_persons.family_id = p3ke_families.family_id
),

final as (
    select * from regsosek
    union all
    select * from dtks
    union all
    select * from p3ke
)

select * from final
