{#-
  The parts every target-population block of int_marts_spm_population shares, so that each method states only how
  it finds its members and when they are served: one member row in one shape (the columns the union of the
  methods needs, in its order), the method's age band, and the population conditions the catalogue allows.
  They read the `methods` CTE (spm_indicator_methods in force).
-#}

{#-
  The member columns of a population row: its key, where it lives and its sex from `located`, disability and
  reference decile from `described` (the same relation unless a patient is described by its linked person).
-#}
{% macro spm_population_member(member_key, located, described=none) -%}
    {%- set described = described or located %}
        methods.indicator_code,
        {{ located }}.{{ member_key }} as member_key,
        {{ located }}.village_code, {{ located }}.district_code, {{ located }}.regency_code, {{ located }}.province_code,
        {{ located }}.sex, {{ described }}.has_disability, {{ described }}.reference_decile,
{%- endmacro %}


{#- A person inside the method's age band (in completed months; an open end has no limit). -#}
{% macro spm_in_age_band(persons) -%}
    (methods.min_age_months is null or {{ persons }}.age_months >= methods.min_age_months)
        and (methods.max_age_months is null or {{ persons }}.age_months <= methods.max_age_months)
{%- endmacro %}


{#- The method's population condition: everyone (none), or persons with a disability. -#}
{% macro spm_population_condition(persons) -%}
    (methods.population_condition = 'none'
            or (methods.population_condition = 'disability' and {{ persons }}.has_disability))
{%- endmacro %}
