-- Health SPM services per patient: one row per patient and service, with the patient's latest village, whether
-- any visit met the SPM standard, and the linked person where the record's NIK points at exactly one
-- (int_marts_nik_index). A record without a NIK is its own patient by name, birth date and village (newborns are
-- often seen before their NIK is issued); such patients count in the health indicators but carry no decile.
with

services as (
    select * from {{ ref('stg_kesehatan__services') }}
    where spm_code is not null
),

nik_index as (
    select nik, person_id from {{ ref('int_marts_nik_index') }}
),

keyed as (
    select
        services.*,
        coalesce(
            'nik:' || services.nik,
            'record:' || coalesce(upper(trim(services.full_name)), '') || '|' || coalesce(cast(services.birth_date as {{ dbt.type_string() }}), '')
            || '|' || coalesce(services.village_code, '')
        ) as patient_key
    from services
),

patients as (
    select
        patient_key,
        spm_code,
        health_service,
        any_value(nik) as nik,
        {{ max_by('village_code', 'served_at') }} as village_code,
        {{ max_by('sex', 'served_at') }} as sex,
        coalesce(bool_or(meets_standard), false) as served_to_standard,
        cast(count(*) as integer) as visits,
        min(served_on) as first_served_on,
        max(served_on) as last_served_on
    from keyed
    group by patient_key, spm_code, health_service
),

final as (
    select
        patients.patient_key,
        patients.spm_code,
        patients.health_service,
        nik_index.person_id,
        patients.village_code,
        {{ region_codes_from_village('patients.village_code') }},
        coalesce(patients.sex, 'unknown') as sex,
        patients.served_to_standard,
        patients.visits,
        patients.first_served_on,
        patients.last_served_on
    from patients
    left join nik_index on patients.nik = nik_index.nik
)

select * from final
