-- Every person record (int_persons) with the linked person it belongs to (linkage.person_clusters) and what the
-- record says about the person beyond the linkage contract: disability evidence (Washington Group difficulties in
-- Regsosek, disability types in DTKS and P3KE, judged by member_condition_evidence), a recorded pregnancy, and
-- DTKS programme receipt (PBI-JK flag, PKH component). Records are ranked for "which record describes the
-- person": the reference registry first, then DTKS (updated until 2025), then P3KE.
with

person_records as (
    select * from {{ ref('int_persons') }}
),

clusters as (
    select person_record_key, person_id from {{ source('linkage', 'person_clusters') }}
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

regsosek_persons as (
    select
        person_id as record_id,
        {{ list_of(['difficulty_seeing', 'difficulty_hearing', 'difficulty_walking', 'difficulty_remembering',
                    'difficulty_self_care', 'difficulty_communicating']) }} as difficulties,
        is_pregnant
    from {{ ref('stg_regsosek__persons') }}
),

dtks_persons as (
    select person_id as record_id, receives_pbi_jk, pkh_component, disability_type
    from {{ ref('stg_dtks__persons') }}
),

p3ke_persons as (
    select person_id as record_id, disability_type
    from {{ ref('stg_p3ke__persons') }}
),

evidence as (
    select
        coalesce(array_agg(evidence_value) filter (
            where member_condition = 'disability' and evidence = 'functional_difficulty'), {{ list_of([]) }}) as disability_levels,
        coalesce(array_agg(evidence_value) filter (
            where member_condition = 'severe_disability' and evidence = 'functional_difficulty'), {{ list_of([]) }})
            as severe_disability_levels,
        coalesce(array_agg(evidence_value) filter (
            where member_condition = 'disability' and evidence = 'registry_disability_type'), {{ list_of([]) }}) as disability_types
    from {{ ref('member_condition_evidence') }}
),

described as (
    select
        person_records.person_record_key,
        clusters.person_id,
        person_records.registry,
        person_records.record_id,
        person_records.household_record_key,
        person_records.nik,
        person_records.nik_is_valid,
        person_records.full_name,
        person_records.sex,
        person_records.birth_date,
        person_records.relationship_to_head,
        person_records.registry_decile,
        person_records.record_date,
        person_records.reported_deceased,
        {{ registry_record_rank('person_records.registry') }} as record_rank,
        coalesce(
            {{ list_has_any('regsosek_persons.difficulties', 'evidence.disability_levels') }}
            or array_contains(evidence.disability_types, coalesce(dtks_persons.disability_type, p3ke_persons.disability_type)),
            false
        ) as has_disability,
        coalesce({{ list_has_any('regsosek_persons.difficulties', 'evidence.severe_disability_levels') }}, false)
            as has_severe_disability,
        regsosek_persons.is_pregnant as recorded_pregnant,
        dtks_persons.receives_pbi_jk,
        dtks_persons.pkh_component
    from person_records
    inner join clusters on person_records.person_record_key = clusters.person_record_key
    cross join reference_ranking
    cross join evidence
    left join regsosek_persons
        on person_records.registry = 'regsosek' and person_records.record_id = regsosek_persons.record_id
    left join dtks_persons
        on person_records.registry = 'dtks' and person_records.record_id = dtks_persons.record_id
    left join p3ke_persons
        on person_records.registry = 'p3ke' and person_records.record_id = p3ke_persons.record_id
)

select * from described
