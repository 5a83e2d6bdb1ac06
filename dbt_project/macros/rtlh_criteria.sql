{#-
  The uninhabitable-housing (RTLH) criteria that rtlh_materials judges by a material or facility category, in the
  fixed order int_households reports them, each with the household column it reads. One list, so that the verdict,
  the reasons and the unassessed criteria always name the same criteria in the same order (floor area per person
  is judged apart, by rtlh_rule_sets).
-#}
{% macro rtlh_components() -%}
    {{ return([
        {'component': 'roof', 'column': 'roof_material'},
        {'component': 'wall', 'column': 'wall_material'},
        {'component': 'floor', 'column': 'floor_material'},
        {'component': 'sanitation', 'column': 'sanitation_facility'},
        {'component': 'lighting', 'column': 'lighting_source'},
        {'component': 'water', 'column': 'drinking_water_source'},
    ]) }}
{%- endmacro %}


{#-
  The RTLH criteria for which a condition holds, comma-separated in the fixed order (floor area first), NULL for
  none: floor_area_condition for floor area, component_condition for each component with `{component}` standing
  for its name. concat_ws skips the NULLs of the criteria for which it does not hold.
-#}
{% macro rtlh_criteria_where(floor_area_condition, component_condition) -%}
    nullif(concat_ws(
            ',',
            case when {{ floor_area_condition }} then 'floor_area' end,
            {%- for rule in rtlh_components() %}
            case when {{ component_condition | replace('{component}', rule.component) }} then '{{ rule.component }}' end
            {{- "," if not loop.last }}
            {%- endfor %}
        ), '')
{%- endmacro %}


{#-
  Each RTLH criterion judged, three-valued, for every household of `households` under every rule set of
  `rule_sets` (one row per household and rule set): `<criterion>_fails` is true (unfit), false (fit) or NULL
  (unknown: no floor area, or a category the rule set does not list, such as 'unknown'), and
  `assesses_<component>` says whether the rule set judges the component at all. One place for int_households (the
  rule set in force) and int_marts_family_rtlh (every rule set side by side), so both judge a house alike.
-#}
{% macro rtlh_assessment(households, rule_sets, materials) -%}
    select
        {{ households }}.*,
        {{ rule_sets }}.rule_set as rtlh_rule_set,
        {{ rule_sets }}.min_failed_criteria,
        {{ households }}.floor_area_per_person_m2 < {{ rule_sets }}.min_floor_area_per_person_m2 as floor_area_fails,
        {%- for rule in rtlh_components() %}
        {{ rule.component }}_rule.counts_as_unfit as {{ rule.component }}_fails,
        {%- endfor %}
        {%- for rule in rtlh_components() %}
        coalesce(rtlh_assessed_components.assesses_{{ rule.component }}, false) as assesses_{{ rule.component }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ households }}
    cross join {{ rule_sets }}
    left join (
        select
            rule_set,
            {%- for rule in rtlh_components() %}
            bool_or(component = '{{ rule.component }}') as assesses_{{ rule.component }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ materials }}
        group by rule_set
    ) as rtlh_assessed_components on {{ rule_sets }}.rule_set = rtlh_assessed_components.rule_set
    {%- for rule in rtlh_components() %}
    left join {{ materials }} as {{ rule.component }}_rule
        on {{ rule.component }}_rule.rule_set = {{ rule_sets }}.rule_set
        and {{ rule.component }}_rule.component = '{{ rule.component }}'
        and {{ households }}.{{ rule.column }} = {{ rule.component }}_rule.category
    {%- endfor %}
{%- endmacro %}


{#-
  The verdict columns of an rtlh_assessment row. Unknown criteria are neither passed nor failed: a house is 'rtlh'
  when its known failures reach the rule set's minimum, 'liveable' when they cannot reach it even if every unknown
  criterion failed, and 'not_assessable' otherwise (the unknowns decide), so that missing data never makes a house
  look liveable.
-#}
{% macro rtlh_verdict_columns() -%}
        {{ rtlh_criteria_where('floor_area_fails', '{component}_fails') }} as rtlh_reasons,
        {{ rtlh_criteria_where('floor_area_fails is null', 'assesses_{component} and {component}_fails is null') }}
            as rtlh_unassessed_criteria,
        {{ rtlh_count('coalesce(floor_area_fails, false)', 'coalesce({component}_fails, false)') }}
            as rtlh_failed_criteria_count,
        case
            when {{ rtlh_count('coalesce(floor_area_fails, false)', 'coalesce({component}_fails, false)') }}
                >= min_failed_criteria then 'rtlh'
            when {{ rtlh_count('coalesce(floor_area_fails, true)',
                               'coalesce({component}_fails, assesses_{component})') }}
                < min_failed_criteria then 'liveable'
            else 'not_assessable'
        end as rtlh_verdict
{%- endmacro %}


{#- How many criteria a condition holds for (`{component}` standing for each component's name). -#}
{% macro rtlh_count(floor_area_condition, component_condition) -%}
    (cast({{ floor_area_condition }} as integer)
        {%- for rule in rtlh_components() %}
        + cast({{ component_condition | replace('{component}', rule.component) }} as integer)
        {%- endfor %})
{%- endmacro %}
