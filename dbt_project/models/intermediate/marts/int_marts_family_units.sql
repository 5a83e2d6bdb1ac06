-- Every household/family record mapped to one family unit, the unit family programmes (BPNT, PKH) target. The
-- backbone is the reference registry (Regsosek): each of its households is a unit. A DTKS household joins the
-- reference household most of its linked members live in; a P3KE family joins the reference household most of its
-- members live in, else the unit of the DTKS household most of them are in. A record none of whose members are
-- in a bigger registry is its own unit (a family the reference registry missed). Ties go to the smallest key.
with

household_records as (
    select household_record_key, registry from {{ ref('int_households') }}
),

person_records as (
    select person_id, registry, household_record_key from {{ ref('int_marts_person_records') }}
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

-- Household records of members whose household row was quarantined still need a unit.
all_household_records as (
    select household_record_key, registry from household_records
    union
    select distinct household_record_key, registry from person_records
),

person_reference_households as (
    -- The reference household of each person (the smallest key if listed twice there).
    select person_records.person_id, min(person_records.household_record_key) as reference_household_key
    from person_records
    inner join reference_ranking on person_records.registry = reference_ranking.ranking
    group by person_records.person_id
),

person_dtks_households as (
    select person_id, min(household_record_key) as dtks_household_key
    from person_records
    where registry = 'dtks'
    group by person_id
),

votes_for_reference as (
    select
        person_records.household_record_key,
        person_reference_households.reference_household_key,
        count(*) as members
    from person_records
    inner join person_reference_households on person_records.person_id = person_reference_households.person_id
    cross join reference_ranking
    where person_records.registry <> reference_ranking.ranking
    group by all
),

reference_choice as (
    select
        household_record_key,
        {{ min_by('reference_household_key', ['-members', 'reference_household_key']) }} as reference_household_key
    from votes_for_reference
    group by household_record_key
),

votes_for_dtks as (
    select person_records.household_record_key, person_dtks_households.dtks_household_key, count(*) as members
    from person_records
    inner join person_dtks_households on person_records.person_id = person_dtks_households.person_id
    where person_records.registry = 'p3ke'
    group by all
),

dtks_choice as (
    select household_record_key, {{ min_by('dtks_household_key', ['-members', 'dtks_household_key']) }} as dtks_household_key
    from votes_for_dtks
    group by household_record_key
),

dtks_units as (
    -- The unit of each DTKS household: its reference household, else itself.
    select
        all_household_records.household_record_key,
        coalesce(reference_choice.reference_household_key, all_household_records.household_record_key) as family_key
    from all_household_records
    left join reference_choice on all_household_records.household_record_key = reference_choice.household_record_key
    where all_household_records.registry = 'dtks'
),

final as (
    select
        all_household_records.household_record_key,
        all_household_records.registry,
        case
            when all_household_records.registry = reference_ranking.ranking
                then all_household_records.household_record_key
            else coalesce(
                reference_choice.reference_household_key,
                dtks_units.family_key,
                all_household_records.household_record_key
            )
        end as family_key,
        case
            when all_household_records.registry = reference_ranking.ranking then 'reference_household'
            when reference_choice.reference_household_key is not null then 'members_in_reference_household'
            when dtks_units.family_key is not null then 'members_in_dtks_household'
            else 'own_unit'
        end as matched_by
    from all_household_records
    cross join reference_ranking
    left join reference_choice on all_household_records.household_record_key = reference_choice.household_record_key
    left join dtks_choice on all_household_records.household_record_key = dtks_choice.household_record_key
    left join dtks_units
        on all_household_records.registry <> 'dtks' and dtks_choice.dtks_household_key = dtks_units.household_record_key
)

select * from final
