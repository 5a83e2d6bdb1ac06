-- One row per linked person (linkage.person_clusters): the pseudonymous person key, what the registries say about
-- the person (the best-ranked record for name, sex and birth date; every record for presence, deciles, receipt and
-- disability), the family unit, and member conditions proven by the sources (member_condition_evidence): a recent
-- pregnancy, a Dapodik grade band, a disability. Ages are in completed years and months at the var as_of_date.
{%- set as_of = "cast('" ~ var('as_of_date') ~ "' as date)" %}
with

person_records as (
    -- What describes the person is, per attribute, the first value known in the order of the records' ranks (the
    -- reference registry first; the record key breaks ties). It is read through one window over the person's
    -- records rather than an arg_min per attribute: a hash aggregate carrying six (rank, key) states for five
    -- million persons ran out of memory and spilled (the query alone: 103 s against 54 s at 5.5 million persons).
    select
        *,
        row_number() over describing = 1 as is_first_record,
        first_value(full_name ignore nulls) over describing_all as described_full_name,
        first_value(case when sex in ('male', 'female') then sex end ignore nulls) over describing_all
            as described_sex,
        first_value(birth_date ignore nulls) over describing_all as described_birth_date,
        first_value(relationship_to_head ignore nulls) over describing_all as described_relationship_to_head,
        first_value(pkh_component ignore nulls) over describing_all as described_pkh_component
    from {{ ref('int_marts_person_records') }}
    window
        describing as (partition by person_id order by record_rank, person_record_key),
        describing_all as (describing rows between unbounded preceding and unbounded following)
),

family_units as (
    select household_record_key, family_key from {{ ref('int_marts_family_units') }}
),

nik_index as (
    select nik, person_id from {{ ref('int_marts_nik_index') }}
),

pupils as (
    -- Enrolment from Dapodik (schools under the education ministry) and EMIS (madrasah, under Kemenag): a madrasah
    -- pupil is in EMIS only, so reading Dapodik alone undercounts participation.
    select nik, education_stage, grade, disability_type, 'dapodik' as education_source
    from {{ ref('stg_dapodik__pupils') }} where nik is not null
    union all
    select nik, education_stage, grade, null as disability_type, 'emis' as education_source
    from {{ ref('stg_emis__pupils') }} where nik is not null
),

health_patients as (
    select person_id, health_service, last_served_on from {{ ref('int_marts_health_patients') }}
    where person_id is not null
),

evidence as (
    select * from {{ ref('member_condition_evidence') }}
),

person_niks as (
    select person_id, nik, count(*) as records, min(record_rank) as best_rank
    from person_records
    where nik_is_valid
    group by person_id, nik
),

chosen_niks as (
    -- The valid NIK most records agree on (the best-ranked record's on a tie).
    select person_id, {{ min_by('nik', ['-records', 'best_rank', 'nik']) }} as nik
    from person_niks
    group by person_id
),

nik_holders as (
    select nik, count(*) as persons from chosen_niks group by nik
),

described_persons as (
    select
        person_records.person_id,
        person_records.described_full_name as full_name,
        person_records.described_sex as sex,
        person_records.described_birth_date as birth_date,
        person_records.described_relationship_to_head as relationship_to_head,
        coalesce(family_units.family_key, person_records.household_record_key) as family_key,
        person_records.described_pkh_component as pkh_component
    from person_records
    left join family_units on person_records.household_record_key = family_units.household_record_key
    where person_records.is_first_record
),

counted_persons as (
    select
        person_id,
        {{- registry_presence('records_linked') }},
        bool_or(reported_deceased) as reported_deceased,
        bool_or(has_disability) as registry_disability,
        bool_or(has_severe_disability) as has_severe_disability,
        max(record_date) filter (where recorded_pregnant) as recorded_pregnant_on,
        coalesce(bool_or(receives_pbi_jk), false) as receives_pbi_jk
    from person_records
    group by person_id
),

persons as (
    select counted_persons.*, described_persons.* except (person_id)
    from counted_persons
    inner join described_persons on counted_persons.person_id = described_persons.person_id
),

person_pupils as (
    -- A pupil listed twice keeps the higher grade (and, on one grade in two forms, the alphabetically last form,
    -- so that reruns agree).
    select
        nik_index.person_id,
        {{ max_by('pupils.education_stage', ['pupils.grade', 'pupils.education_stage']) }} as education_stage,
        {{ max_by('pupils.education_source', ['pupils.grade', 'pupils.education_stage', 'pupils.education_source']) }}
            as education_source,
        max(pupils.grade) as grade,
        bool_or(pupils.disability_type in (
            select evidence_value from evidence
            where member_condition = 'disability' and evidence = 'registry_disability_type'
        )) as pupil_disability
    from pupils
    inner join nik_index on pupils.nik = nik_index.nik
    group by nik_index.person_id
),

proven_conditions as (
    -- (person, condition) for every piece of evidence a source holds.
    select person_pupils.person_id, evidence.member_condition
    from person_pupils
    inner join evidence
        on evidence.evidence = 'dapodik_grade'
        and person_pupils.grade between evidence.min_value and evidence.max_value
    union
    select health_patients.person_id, evidence.member_condition
    from health_patients
    inner join evidence
        on evidence.evidence = 'health_service'
        and health_patients.health_service = evidence.evidence_value
        and health_patients.last_served_on > {{ as_of }} - evidence.window_days
        and health_patients.last_served_on <= {{ as_of }}
    union
    select persons.person_id, evidence.member_condition
    from persons
    inner join evidence
        on evidence.evidence = 'regsosek_pregnant'
        and persons.recorded_pregnant_on > {{ as_of }} - evidence.window_days
        and persons.recorded_pregnant_on <= {{ as_of }}
),

conditions as (
    select
        person_id,
        bool_or(member_condition = 'pregnant') as is_pregnant,
        bool_or(member_condition = 'enrolled_primary') as is_enrolled_primary,
        bool_or(member_condition = 'enrolled_junior_secondary') as is_enrolled_junior_secondary,
        bool_or(member_condition = 'enrolled_senior_secondary') as is_enrolled_senior_secondary
    from proven_conditions
    group by person_id
),

final as (
    select
        persons.person_id,
        {{ pseudonymise("case when nik_holders.persons = 1 then chosen_niks.nik else persons.person_id end") }}
            as person_key,
        case when nik_holders.persons = 1 then 'nik' else 'person_id' end as person_key_basis,
        chosen_niks.nik,
        persons.full_name,
        coalesce(persons.sex, 'unknown') as sex,
        persons.birth_date,
        cast(date_sub('year', persons.birth_date, {{ as_of }}) as integer) as age_years,
        cast(date_sub('month', persons.birth_date, {{ as_of }}) as integer) as age_months,
        persons.relationship_to_head,
        persons.family_key,
        persons.in_regsosek,
        persons.in_dtks,
        persons.in_p3ke,
        cast(persons.in_regsosek as integer) + cast(persons.in_dtks as integer) + cast(persons.in_p3ke as integer)
            as registries_listing,
        persons.records_linked,
        persons.regsosek_decile,
        persons.dtks_decile,
        persons.p3ke_decile,
        persons.reported_deceased,
        persons.registry_disability or coalesce(person_pupils.pupil_disability, false) as has_disability,
        persons.has_severe_disability,
        coalesce(conditions.is_pregnant, false) and persons.sex is distinct from 'male' as is_pregnant,
        coalesce(conditions.is_enrolled_primary, false) as is_enrolled_primary,
        coalesce(conditions.is_enrolled_junior_secondary, false) as is_enrolled_junior_secondary,
        coalesce(conditions.is_enrolled_senior_secondary, false) as is_enrolled_senior_secondary,
        person_pupils.education_stage,
        person_pupils.education_source,
        person_pupils.grade as school_grade,
        persons.receives_pbi_jk,
        persons.pkh_component
    from persons
    left join chosen_niks on persons.person_id = chosen_niks.person_id
    left join nik_holders on chosen_niks.nik = nik_holders.nik
    left join person_pupils on persons.person_id = person_pupils.person_id
    left join conditions on persons.person_id = conditions.person_id
)

select * from final
