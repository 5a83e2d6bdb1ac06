-- One row per family unit with living members and RTLH rule set (rtlh_rule_sets): the family's house, as its
-- best-ranked record describes it (int_marts_families.primary_record_key), judged under every agency's rule set,
-- three-valued (macros/rtlh_criteria.sql, as int_households judges the rule set in force): so that the forum sees
-- side by side how many houses each rule set calls RTLH, liveable or not assessable before it chooses one.
with

families as (
    select family_key, primary_record_key, province_code, regency_code
    from {{ ref('int_marts_families') }}
    where members_living > 0
),

houses as (
    select
        families.family_key,
        families.province_code,
        families.regency_code,
        households.floor_area_per_person_m2,
        {%- for rule in rtlh_components() %}
        households.{{ rule.column }}{{ "," if not loop.last }}
        {%- endfor %}
    from families
    -- A family known only from its members' records (its household record was quarantined) has no house data:
    -- every criterion is unknown.
    left join {{ ref('int_households') }} as households
        on families.primary_record_key = households.household_record_key
),

rule_sets as (
    select rule_set, min_floor_area_per_person_m2, min_failed_criteria from {{ ref('rtlh_rule_sets') }}
),

materials as (
    select rule_set, component, category, counts_as_unfit from {{ ref('rtlh_materials') }}
),

assessed as (
    {{ rtlh_assessment('houses', 'rule_sets', 'materials') }}
),

verdicts as (
    select
        assessed.*,
        {{- rtlh_verdict_columns() }}
    from assessed
),

final as (
    select
        family_key,
        province_code,
        regency_code,
        rtlh_rule_set as rule_set,
        rtlh_verdict,
        rtlh_failed_criteria_count,
        rtlh_reasons,
        rtlh_unassessed_criteria
    from verdicts
)

select * from final
