-- The audit trail of village-forum (Musdes/Muskel) and SID corrections: every proposal, matched on NIK to every
-- registry record it concerns, with what it changes (field, value before, value after), when it takes effect and
-- which feed proposed it. Registry records are never overwritten: int_persons and int_households derive flags
-- (reported_deceased, reported_moved_to_village_code, ...) from this table. Proposals that match no record
-- stay here with status no_nik or no_matching_record, and proposals of a type the codebook does not know with
-- status unknown_correction_type, so nothing a village reported is lost.
with

proposals as (
    select * from {{ ref('stg_musdes__corrections') }}
),

correction_types as (
    -- What each proposal type changes, as agreed in the codebook (one row per type).
    select distinct correction_type, applies_to, changed_field, proposed_value
    from {{ ref('codebook_correction_type') }}
),

person_records as (
    select person_record_key, registry, household_record_key, nik, village_code
    from {{ ref('int_persons_unioned') }}
    where nik is not null
),

matched as (
    select
        proposals.proposal_id,
        proposals.correction_feed,
        proposals.correction_type,
        correction_types.applies_to,
        correction_types.changed_field,
        correction_types.proposed_value,
        proposals.nik is not null as has_nik,
        proposals.event_on,
        proposals.forum_on,
        proposals.village_code as reported_village_code,
        proposals.destination_village_code,
        person_records.registry,
        person_records.person_record_key,
        person_records.household_record_key,
        person_records.village_code as registry_village_code,
        {{ record_lineage('proposals') }}
    from proposals
    left join correction_types on proposals.correction_type = correction_types.correction_type
    left join person_records on proposals.nik = person_records.nik
),

changes as (
    select
        *,
        case changed_field
            -- A registry lists a person as living until someone reports otherwise.
            when 'is_alive' then 'true'
            when 'village_code' then registry_village_code
            when 'dtks_membership' then case when registry = 'dtks' then 'listed' end
        end as value_before,
        coalesce(proposed_value, destination_village_code) as value_after
    from matched
),

final as (
    select
        proposal_id || '|' || coalesce(person_record_key, 'unmatched') as correction_key,
        proposal_id,
        correction_feed,
        correction_type,
        applies_to,
        changed_field,
        registry,
        person_record_key,
        household_record_key,
        case applies_to when 'person' then person_record_key when 'household' then household_record_key end as target_record_key,
        value_before,
        value_after,
        coalesce(event_on, forum_on) as effective_on,
        event_on,
        forum_on,
        reported_village_code,
        case when person_record_key is not null then 'nik' end as matched_on,
        case
            -- A proposal type the codebook does not know (mapped to 'unknown' in staging, named by its
            -- codes_are_mapped test) says nothing a registry could act on: kept in the trail, never applied.
            when applies_to is null then 'unknown_correction_type'
            when person_record_key is null and not has_nik then 'no_nik'
            when person_record_key is null then 'no_matching_record'
            when value_before = value_after then 'already_reflected'
            -- Proposing to add a household DTKS already lists changes nothing.
            when correction_type = 'entry_proposed' and registry = 'dtks' then 'already_reflected'
            else 'applied'
        end as status,
        source_file,
        source_line
    from changes
)

select * from final
