-- The targeting outcome of every unit a programme concerns: one row per programme, component and unit (a person,
-- or a family for family programmes) that is eligible under at least one ranking or receives the programme.
-- component = 'all' holds the programme-level unit (the family for PKH, the person or family otherwise).
--
-- qualifies: alive as far as the registries know (no forum reported a death), inside the rule's age band and
-- meeting its member condition; PKH members count one component each (the highest-paying one) and at most
-- max_components_per_family per family. eligible: qualifies and the family's decile under the rule's ranking is
-- at most max_decile; eligible_under_dtks / eligible_under_p3ke: the same with that registry's decile instead.
-- receiving: DTKS receipt (program_delivery); NULL when no recipient list is a source (PIP).
-- listed_elsewhere: the unit's person (the person, or the family's head) lives in another province, which lists the
-- person (the national pass's flags, int_marts_persons_listed_elsewhere): such a unit is eligible under no ranking
-- here, so it is on no targeting list here and is no exclusion error here; if it receives the programme here, that
-- is the second payment, an inclusion error (not eligible). listed_elsewhere is true where the unit would otherwise
-- be eligible under the rule's ranking; listed_in_province names the province that lists the person.
-- classification (per ranking): correctly_targeted, exclusion_error (eligible, not receiving),
-- inclusion_error_not_in_reference (receiving, the ranking does not list the family),
-- inclusion_error_not_eligible (receiving, listed but not eligible), not_targeted; NULL when receipt is unknown.
with

rules as (
    select * from {{ ref('int_marts_program_rules') }}
),

families as (
    select
        family_key, head_person_id, members_living, regsosek_decile, dtks_decile, p3ke_decile, receives_pkh,
        receives_bpnt, village_code, district_code, regency_code, province_code
    from {{ ref('int_marts_families') }}
),

persons as (
    select * from {{ ref('int_marts_persons') }}
),

listed_elsewhere as (
    select person_id, residence_province from {{ ref('int_marts_persons_listed_elsewhere') }}
),

person_context as (
    select
        persons.person_id,
        persons.family_key,
        persons.age_years,
        persons.reported_deceased,
        persons.is_pregnant,
        persons.is_enrolled_primary,
        persons.is_enrolled_junior_secondary,
        persons.is_enrolled_senior_secondary,
        persons.has_severe_disability,
        persons.receives_pbi_jk,
        persons.pkh_component,
        families.receives_pkh,
        families.receives_bpnt,
        -- The best decile the family has in any ranking: a family above a rule's limit in all of them cannot be
        -- eligible, so its members are only looked at when they receive (keeps the work near the eligible few).
        least(families.regsosek_decile, families.dtks_decile, families.p3ke_decile) as best_decile
    from persons
    inner join families on persons.family_key = families.family_key
),

person_rule_checks as (
    -- Every person against every person or member rule: does the person qualify, does the person receive it?
    select
        rules.program,
        rules.component,
        rules.unit_kind,
        rules.component_priority,
        rules.max_components_per_family,
        person_context.person_id,
        person_context.family_key,
        not person_context.reported_deceased
            and (rules.min_age_years is null or person_context.age_years >= rules.min_age_years)
            and (rules.max_age_years is null or person_context.age_years <= rules.max_age_years)
            and coalesce(case rules.member_condition
                when 'none' then true
                when 'pregnant' then person_context.is_pregnant
                when 'enrolled_primary' then person_context.is_enrolled_primary
                when 'enrolled_junior_secondary' then person_context.is_enrolled_junior_secondary
                when 'enrolled_senior_secondary' then person_context.is_enrolled_senior_secondary
                when 'severe_disability' then person_context.has_severe_disability
            end, false) as meets_rule,
        case
            when not rules.receipt_known then null
            when rules.person_receipt_column = 'receives_pbi_jk' then person_context.receives_pbi_jk
            when rules.person_receipt_column = 'pkh_component'
                then coalesce(person_context.pkh_component = rules.component, false)
            else false
        end as receiving,
        coalesce(person_context.best_decile <= rules.max_decile, false) as could_be_eligible
    from rules
    cross join person_context
    where rules.unit_kind in ('person', 'member')
),

relevant_person_rule_checks as (
    select * from person_rule_checks
    where (meets_rule and could_be_eligible) or coalesce(receiving, false)
),

member_components as (
    -- A member counts one component (the highest-paying one) ...
    select *
    from relevant_person_rule_checks
    where unit_kind = 'member' and meets_rule
    qualify row_number() over (partition by program, person_id order by component_priority) = 1
),

member_slots as (
    -- ... and a family at most max_components_per_family of them.
    select
        program,
        component,
        person_id,
        row_number() over (partition by program, family_key order by component_priority, person_id) as family_slot,
        max_components_per_family
    from member_components
),

counted_members as (
    select program, component, person_id
    from member_slots
    where max_components_per_family is null or family_slot <= max_components_per_family
),

person_units as (
    select
        checks.program,
        checks.component,
        checks.person_id as unit_key,
        checks.person_id,
        checks.family_key,
        case
            when checks.unit_kind = 'member' then counted_members.person_id is not null
            else checks.meets_rule
        end as qualifies,
        checks.receiving
    from relevant_person_rule_checks as checks
    left join counted_members
        on checks.program = counted_members.program
        and checks.component = counted_members.component
        and checks.person_id = counted_members.person_id
),

family_units as (
    select
        rules.program,
        rules.component,
        families.family_key as unit_key,
        families.head_person_id as person_id,
        families.family_key,
        families.members_living > 0 as qualifies,
        {{ family_receipt('rules', 'families') }} as receiving
    from rules
    cross join families
    where rules.unit_kind = 'family'
),

component_units as (
    select * from person_units
    union all
    select * from family_units
),

member_programs as (
    select distinct program, receipt_known, family_receipt_column
    from rules
    where unit_kind = 'member'
),

programme_units as (
    -- component 'all': for member programmes the family qualifies through any counted member and receives when
    -- DTKS flags the family; otherwise the programme's units across its components.
    select
        member_programs.program,
        'all' as component,
        families.family_key as unit_key,
        families.head_person_id as person_id,
        families.family_key,
        coalesce(qualifying.members > 0, false) as qualifies,
        {{ family_receipt('member_programs', 'families') }} as receiving
    from member_programs
    cross join families
    left join (
        select component_units.program, component_units.family_key, count(*) as members
        from component_units
        where component_units.qualifies
        group by all
    ) as qualifying
        on member_programs.program = qualifying.program and families.family_key = qualifying.family_key
    union all
    select
        program,
        'all' as component,
        unit_key,
        any_value(person_id) as person_id,
        any_value(family_key) as family_key,
        bool_or(qualifies) as qualifies,
        bool_or(receiving) as receiving
    from component_units
    where program not in (select program from member_programs)
    group by program, unit_key
),

all_units as (
    select * from component_units
    union all
    select * from programme_units
),

program_rules as (
    -- The programme-level row takes the programme's rule fields from its first component.
    select * from rules
    union all
    select * replace ('all' as component)
    from rules
    qualify row_number() over (partition by program order by component_priority) = 1
),

assessed as (
    select
        all_units.program,
        program_rules.program_label,
        all_units.component,
        case when all_units.component = 'all' and program_rules.unit_kind = 'member' then 'family'
            else program_rules.unit_kind end as unit_kind,
        program_rules.beneficiary_unit,
        all_units.unit_key,
        all_units.person_id,
        all_units.family_key,
        families.village_code,
        families.district_code,
        families.regency_code,
        families.province_code,
        program_rules.ranking as reference_ranking,
        {{ decile_under_ranking('program_rules.ranking', 'families') }} as reference_decile,
        families.dtks_decile,
        families.p3ke_decile,
        program_rules.max_decile,
        all_units.qualifies,
        all_units.receiving,
        listed_elsewhere.residence_province as listed_in_province,
        case when all_units.component = 'all' then null else program_rules.annual_amount_idr end
            as annual_amount_idr
    from all_units
    inner join program_rules
        on all_units.program = program_rules.program and all_units.component = program_rules.component
    inner join families on all_units.family_key = families.family_key
    left join listed_elsewhere on all_units.person_id = listed_elsewhere.person_id
),

eligibility as (
    select
        *,
        listed_in_province is null and qualifies and coalesce(reference_decile <= max_decile, false) as eligible,
        listed_in_province is null and qualifies and coalesce(dtks_decile <= max_decile, false)
            as eligible_under_dtks,
        listed_in_province is null and qualifies and coalesce(p3ke_decile <= max_decile, false)
            as eligible_under_p3ke,
        listed_in_province is not null and qualifies and coalesce(reference_decile <= max_decile, false)
            as listed_elsewhere
    from assessed
),

final as (
    select
        program,
        program_label,
        component,
        unit_kind,
        beneficiary_unit,
        unit_key,
        person_id,
        family_key,
        village_code,
        district_code,
        regency_code,
        province_code,
        reference_ranking,
        reference_decile,
        dtks_decile,
        p3ke_decile,
        max_decile,
        qualifies,
        eligible,
        eligible_under_dtks,
        eligible_under_p3ke,
        listed_elsewhere,
        listed_in_province,
        receiving,
        {%- for suffix, flag, decile in [('', 'eligible', 'reference_decile'),
                                         ('_dtks', 'eligible_under_dtks', 'dtks_decile'),
                                         ('_p3ke', 'eligible_under_p3ke', 'p3ke_decile')] %}
        case
            when receiving is null then null
            when {{ flag }} and receiving then 'correctly_targeted'
            when {{ flag }} then 'exclusion_error'
            when receiving and {{ decile }} is null then 'inclusion_error_not_in_reference'
            when receiving then 'inclusion_error_not_eligible'
            else 'not_targeted'
        end as classification{{ suffix }},
        {%- endfor %}
        annual_amount_idr
    from eligibility
    where eligible or eligible_under_dtks or eligible_under_p3ke or listed_elsewhere or coalesce(receiving, false)
)

select * from final
