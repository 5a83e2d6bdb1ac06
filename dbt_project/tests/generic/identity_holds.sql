{#-
    An identity of a mart's arithmetic: returns the `keys` (region and programme columns, never a person's) of
    every row, among those matching `where`, on which `expression` is false. A row where it is NULL is not
    checked, as SQL's `where` reads it. Compare floating point within a stated tolerance (abs(a - b) <= 1e-12),
    counts and amounts exactly.

        - identity_holds:
            name: <mart>_<identity>
            description: ...
            arguments:
              keys: [program, region_level, region_code]
              expression: eligible = correctly_targeted + exclusion_errors
              where: receipt_known

    Zero tolerance on purpose: the mart's own SQL makes the identity hold whatever the registries deliver, so one
    breaking row is a bug in a model, not a bad record, at 4,000 persons as at 5.5 million.
-#}
{% test identity_holds(model, keys, expression, where=none) %}
{{ config(severity='error', meta={
    'invariant': true,
    'why': "Arithmetic the mart's SQL guarantees whatever the data: one breaking row is a bug in a model.",
}) }}
select {{ keys | join(', ') }}
from {{ model }}
where {% if where is not none %}({{ where }}) and {% endif %}not ({{ expression }})
{% endtest %}
