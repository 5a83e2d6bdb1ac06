-- By-name-by-address targeting list: per programme and component, every unit eligible under the programme's rule
-- (int_marts_program_units.eligible): the person for person programmes and PKH components, the family head for
-- family programmes. Restricted: the contract (targeting_list.yml) fixes the allowed columns; it holds names and
-- addresses but no NIK, birth date or other registry detail. `sepakat export` hands a regency only its own rows.
with

units as (
    select * from {{ ref('int_marts_program_units') }}
    where eligible and component <> 'all'
),

rules as (
    select program, component, rule_valid_from from {{ ref('int_marts_program_rules') }}
),

persons as (
    select person_id, person_key, full_name, sex, age_years, relationship_to_head from {{ ref('int_marts_persons') }}
),

families as (
    select
        family_key, household_key, address, rt, rw, village_code, village_name, district_code, district_name,
        regency_code, regency_name, province_code
    from {{ ref('int_marts_families') }}
),

final as (
    select
        units.program,
        units.program_label,
        units.component,
        units.unit_kind,
        persons.person_key,
        families.household_key,
        persons.full_name,
        persons.sex,
        persons.age_years,
        persons.relationship_to_head,
        families.address,
        families.rt,
        families.rw,
        families.village_code,
        families.village_name,
        families.district_code,
        families.district_name,
        families.regency_code,
        families.regency_name,
        families.province_code,
        units.reference_ranking,
        units.reference_decile,
        units.receiving as currently_receiving,
        case
            when units.receiving is null then 'unknown'
            when units.receiving then 'continue'
            else 'enrol'
        end as targeting_status,
        units.annual_amount_idr as annual_benefit_idr,
        rules.rule_valid_from
    from units
    inner join rules on units.program = rules.program and units.component = rules.component
    inner join persons on units.person_id = persons.person_id
    inner join families on units.family_key = families.family_key
)

select * from final
