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
    select * from {{ ref('int_registry_corrections') }}
    where status in ('applied', 'already_reflected')
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
        roof_rule.counts_as_unfit as roof_fails,
        wall_rule.counts_as_unfit as wall_fails,
        floor_rule.counts_as_unfit as floor_fails,
        sanitation_rule.counts_as_unfit as sanitation_fails,
        lighting_rule.counts_as_unfit as lighting_fails,
        water_rule.counts_as_unfit as water_fails,
        {%- for component in ['roof', 'wall', 'floor', 'sanitation', 'lighting', 'water'] %}
        '{{ component }}' in (select component from assessed_components) as assesses_{{ component }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from sized
    cross join rule_set
    left join materials as roof_rule
        on roof_rule.component = 'roof' and sized.roof_material = roof_rule.category
    left join materials as wall_rule
        on wall_rule.component = 'wall' and sized.wall_material = wall_rule.category
    left join materials as floor_rule
        on floor_rule.component = 'floor' and sized.floor_material = floor_rule.category
    left join materials as sanitation_rule
        on sanitation_rule.component = 'sanitation' and sized.sanitation_facility = sanitation_rule.category
    left join materials as lighting_rule
        on lighting_rule.component = 'lighting' and sized.lighting_source = lighting_rule.category
    left join materials as water_rule
        on water_rule.component = 'water' and sized.drinking_water_source = water_rule.category
),

verdicts as (
    select
        assessed.*,
        -- Failed criteria in a fixed order; concat_ws skips the NULLs of criteria that pass.
        nullif(concat_ws(
            ',',
            case when floor_area_fails then 'floor_area' end,
            {%- for component in ['roof', 'wall', 'floor', 'sanitation', 'lighting', 'water'] %}
            case when {{ component }}_fails then '{{ component }}' end{{ "," if not loop.last }}
            {%- endfor %}
        ), '') as rtlh_reasons,
        nullif(concat_ws(
            ',',
            case when floor_area_fails is null then 'floor_area' end,
            {%- for component in ['roof', 'wall', 'floor', 'sanitation', 'lighting', 'water'] %}
            case when assesses_{{ component }} and {{ component }}_fails is null then '{{ component }}' end
            {{- "," if not loop.last }}
            {%- endfor %}
        ), '') as rtlh_unassessed_criteria,
        cast(coalesce(floor_area_fails, false) as integer)
        {%- for component in ['roof', 'wall', 'floor', 'sanitation', 'lighting', 'water'] %}
            + cast(coalesce({{ component }}_fails, false) as integer)
        {%- endfor %} as rtlh_failed_criteria_count
    from assessed
),

household_corrections as (
    select
        target_record_key as household_record_key,
        arg_max(value_after, effective_on) filter (where correction_type = 'moved') as reported_moved_to_village_code,
        max(effective_on) filter (where correction_type = 'moved') as reported_moved_on,
        -- An entry proposal for a household DTKS already lists is already_reflected: not a proposal to act on.
        coalesce(bool_or(correction_type = 'exit_better_off' and status = 'applied'), false) as dtks_exit_proposed,
        coalesce(bool_or(correction_type = 'entry_proposed' and status = 'applied'), false) as dtks_entry_proposed,
        cast(count(*) as integer) as corrections_matched
    from corrections
    where applies_to = 'household'
    group by target_record_key
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
        verdicts.source_file,
        verdicts.source_line
    from verdicts
    left join household_corrections on verdicts.household_record_key = household_corrections.household_record_key
    left join member_deaths on verdicts.household_record_key = member_deaths.household_record_key
)

select * from final
