{#-
  Village-forum corrections as int_persons and int_households derive flags from them: one place for which
  corrections count (applied, or already reflected by the registry), how they are folded per record, and what a
  reported move means, so that the person and household records cannot read the same forum decision differently.
-#}

{#- The corrections that say something about a record: applied, or already reflected by the registry. -#}
{% macro corrections_in_force() -%}
    select * from {{ ref('int_registry_corrections') }}
    where status in ('applied', 'already_reflected')
{%- endmacro %}


{#-
  One row per corrected record (applies_to: person or household) from the corrections CTE, keyed as record_key,
  with the aggregates of the call block (each followed by a comma) and how many corrections matched it.
-#}
{% macro corrections_per_record(applies_to, record_key) -%}
    select
        target_record_key as {{ record_key }},
        {{- caller() }}
        cast(count(*) as integer) as corrections_matched
    from corrections
    where applies_to = '{{ applies_to }}'
    group by target_record_key
{%- endmacro %}


{#- A household reported as moved: the village of the latest move, and when it took effect. -#}
{% macro reported_move() -%}
        {{ max_by('value_after', 'effective_on') }} filter (where correction_type = 'moved')
            as reported_moved_to_village_code,
        max(effective_on) filter (where correction_type = 'moved') as reported_moved_on,
{%- endmacro %}
