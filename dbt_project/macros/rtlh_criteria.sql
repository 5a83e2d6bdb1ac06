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
