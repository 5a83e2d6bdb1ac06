{#-
    Regions add up: returns each `parent_level` row (per `keys`, e.g. programme and component) whose `measures`
    differ from the sums over its `child_level` rows, found by the child's `parent_code` column (province_code,
    regency_code). A parent without children, or children without their parent, counts too unless its measures
    are all zero. Returns the keys and the parent's region_code, never a person's column.

        - sums_to_parent:
            name: <mart>_regencies_sum_to_the_province
            arguments:
              keys: [program, component]
              measures: [eligible, recipients]
              child_level: regency
              parent_level: province
              parent_code: province_code

    Exact, with zero tolerance on purpose: the mart's own SQL sums the same rows at every level whatever the
    registries deliver, so one breaking row is a bug in a model, not a bad record.
-#}
{% test sums_to_parent(model, keys, measures, child_level, parent_level, parent_code) %}
{{ config(severity='error', meta={
    'invariant': true,
    'why': "The mart's SQL sums the same rows at every region level whatever the data: one breaking row is a bug "
        ~ 'in a model.',
}) }}
{%- set key_columns %}{% for key in keys %}{{ key }}, {% endfor %}{% endset %}
with

children as (
    select
        {{ key_columns }}{{ parent_code }} as code,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
    where region_level = '{{ child_level }}'
    group by all
),

parents as (
    select {{ key_columns }}region_code as code, {{ measures | join(', ') }}
    from {{ model }}
    where region_level = '{{ parent_level }}'
)

select
    {% for key in keys %}coalesce(p.{{ key }}, c.{{ key }}) as {{ key }}, {% endfor %}coalesce(p.code, c.code) as region_code
from parents as p
full outer join children as c
    on {% for key in keys %}p.{{ key }} is not distinct from c.{{ key }} and {% endfor %}p.code is not distinct from c.code
where
    p.code is null and c.code is not null and ({% for m in measures %}c.{{ m }} <> 0{{ ' or ' if not loop.last }}{% endfor %})
    or c.code is null and p.code is not null and ({% for m in measures %}p.{{ m }} <> 0{{ ' or ' if not loop.last }}{% endfor %})
    or p.code is not null and c.code is not null
        and ({% for m in measures %}p.{{ m }} is distinct from c.{{ m }}{{ ' or ' if not loop.last }}{% endfor %})
{% endtest %}
