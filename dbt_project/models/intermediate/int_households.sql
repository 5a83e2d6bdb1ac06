-- Every household/family record of Regsosek, DTKS and P3KE with its housing in the common vocabulary, floor area
-- per person, and the uninhabitable-housing (RTLH) verdict under the rule set the forum chose (dbt var
-- rtlh_rule_set): which criteria fail, which could not be assessed, and whether enough fail. Village-forum
-- corrections add flags; the recorded values stay as they are.
{%- set rule_set = var('rtlh_rule_set') %}
with

households as (
    select * from {{ ref('int_households_unioned') }}
),

rule_sets as (
    select rule_set, min_floor_area_per_person_m2, min_failed_criteria
    from {{ ref('rtlh_rule_sets') }}
    where rule_set = '{{ rule_set }}'
),

rule_set as (
    -- A var naming no rule set must stop the build, not give an empty table.
    select * from rule_sets
    union all
    select
        error('dbt var rtlh_rule_set = {{ rule_set }} is not a rule_set in seeds/rules/rtlh_rule_sets.csv'),
        null,
        null
    where not exists (select 1 from rule_sets)
),

materials as (
    select component, category, counts_as_unfit
    from {{ ref('rtlh_materials') }}
    where rule_set = '{{ rule_set }}'
),

assessed_components as (
    select distinct component from materials
),

corrections as (
    {{ corrections_in_force() }}
),

sized as (
    select
        households.*,
        -- Regsosek records the household size; DTKS and P3KE are counted from their member lists.
        cast(coalesce(households.household_size_recorded, households.members_listed) as integer) as household_size,
        households.floor_area_m2
            / nullif(coalesce(households.household_size_recorded, households.members_listed), 0)
            as floor_area_per_person_m2
    from households
),

assessed as (
    -- One verdict per criterion: true = fails, false = passes, null = not assessable (missing or unknown
    -- category) or not part of the rule set.
    select
        sized.*,
        rule_set.rule_set as rtlh_rule_set,
        rule_set.min_failed_criteria,
        sized.floor_area_per_person_m2 < rule_set.min_floor_area_per_person_m2 as floor_area_fails,
        {%- for rule in rtlh_components() %}
        {{ rule.component }}_rule.counts_as_unfit as {{ rule.component }}_fails,
        {%- endfor %}
        {%- for rule in rtlh_components() %}
        '{{ rule.component }}' in (select component from assessed_components) as assesses_{{ rule.component }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from sized
    cross join rule_set
    {%- for rule in rtlh_components() %}
    left join materials as {{ rule.component }}_rule
        on {{ rule.component }}_rule.component = '{{ rule.component }}'
        and sized.{{ rule.column }} = {{ rule.component }}_rule.category
    {%- endfor %}
),

verdicts as (
    select
        assessed.*,
        -- Failed criteria in a fixed order; concat_ws skips the NULLs of criteria that pass.
        {{ rtlh_criteria_where('floor_area_fails', '{component}_fails') }} as rtlh_reasons,
        {{ rtlh_criteria_where('floor_area_fails is null', 'assesses_{component} and {component}_fails is null') }}
            as rtlh_unassessed_criteria,
        cast(coalesce(floor_area_fails, false) as integer)
        {%- for rule in rtlh_components() %}
            + cast(coalesce({{ rule.component }}_fails, false) as integer)
        {%- endfor %} as rtlh_failed_criteria_count
    from assessed
),

household_corrections as (
    {% call corrections_per_record('household', 'household_record_key') %}
        {{ reported_move() }}
        -- An entry proposal for a household DTKS already lists is already_reflected: not a proposal to act on.
        coalesce(bool_or(correction_type = 'exit_better_off' and status = 'applied'), false) as dtks_exit_proposed,
        coalesce(bool_or(correction_type = 'entry_proposed' and status = 'applied'), false) as dtks_entry_proposed,
    {%- endcall %}
),

member_deaths as (
    select household_record_key, cast(count(distinct target_record_key) as integer) as members_reported_deceased
    from corrections
    where correction_type = 'deceased'
    group by household_record_key
),

final as (
    select
        verdicts.household_record_key,
        verdicts.registry,
        verdicts.source_table,
        verdicts.record_id,
        verdicts.kk_number,
        verdicts.village_code,
        verdicts.district_code,
        verdicts.regency_code,
        verdicts.province_code,
        verdicts.registry_decile,
        verdicts.household_size,
        verdicts.household_size_recorded,
        verdicts.members_listed,
        verdicts.floor_area_m2,
        verdicts.floor_area_per_person_m2,
        verdicts.roof_material,
        verdicts.wall_material,
        verdicts.floor_material,
        verdicts.drinking_water_source,
        verdicts.sanitation_facility,
        verdicts.lighting_source,
        verdicts.cooking_fuel,
        verdicts.tenure_status,
        verdicts.rtlh_rule_set,
        verdicts.rtlh_failed_criteria_count >= verdicts.min_failed_criteria as is_rtlh,
        verdicts.rtlh_failed_criteria_count,
        verdicts.rtlh_reasons,
        verdicts.rtlh_unassessed_criteria,
        verdicts.receives_pkh,
        verdicts.receives_bpnt,
        verdicts.record_date,
        household_corrections.reported_moved_to_village_code,
        household_corrections.reported_moved_on,
        coalesce(household_corrections.reported_moved_to_village_code, verdicts.village_code)
            as village_code_after_corrections,
        coalesce(household_corrections.dtks_exit_proposed, false) as dtks_exit_proposed,
        coalesce(household_corrections.dtks_entry_proposed, false) as dtks_entry_proposed,
        coalesce(member_deaths.members_reported_deceased, 0) as members_reported_deceased,
        coalesce(household_corrections.corrections_matched, 0) as corrections_matched,
        {{ record_lineage('verdicts') }}
    from verdicts
    left join household_corrections on verdicts.household_record_key = household_corrections.household_record_key
    left join member_deaths on verdicts.household_record_key = member_deaths.household_record_key
)

select * from final
