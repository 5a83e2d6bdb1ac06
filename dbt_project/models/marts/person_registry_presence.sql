-- One row per linked person: which registries list the person, the decile each gives (the poorest when a registry
-- lists the person twice) and the reference decile eligibility uses (the family's, so a newborn the reference
-- registry has not met takes its family's), programmes received, sex, age, disability, region and hazard zone.
-- Pseudonymous: the person key is an HMAC of the NIK (of the linked person id where there is no usable NIK); no
-- names, NIKs or addresses.
with

persons as (
    select * from {{ ref('int_marts_persons') }}
),

families as (
    select * from {{ ref('int_marts_families') }}
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

final as (
    select
        persons.person_key,
        persons.person_key_basis,
        families.household_key,
        persons.in_regsosek,
        persons.in_dtks,
        persons.in_p3ke,
        persons.registries_listing,
        persons.records_linked,
        persons.regsosek_decile,
        persons.dtks_decile,
        persons.p3ke_decile,
        reference_ranking.ranking as reference_ranking,
        {{ decile_under_ranking('reference_ranking.ranking', 'families') }} as reference_decile,
        persons.receives_pbi_jk,
        families.receives_pkh,
        persons.pkh_component,
        families.receives_bpnt,
        {{ programs_received('persons', 'families') }} as programs_received,
        persons.sex,
        persons.age_years,
        persons.has_disability,
        persons.has_severe_disability,
        persons.reported_deceased,
        families.village_code,
        families.district_code,
        families.regency_code,
        families.province_code,
        families.hazard_zone,
        families.in_hazard_zone,
        families.hazards_at_zone_class
    from persons
    inner join families on persons.family_key = families.family_key
    cross join reference_ranking
)

select * from final
