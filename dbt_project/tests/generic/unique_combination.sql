{#-
    The columns together identify a row: returns each duplicated combination with how often it occurs
    (occurrences, out of rows_checked rows).

    Without max_share any duplicate fails at the test's severity: for keys the pipeline builds. With max_share
    (a share of the model's rows, e.g. 0.001) any duplicate warns and the test errors only when the rows in
    duplicated combinations exceed that share (macros/rate_gates.sql): for combinations of delivered values
    that a registry can repeat in a few rows.
-#}
{% test unique_combination(model, columns, max_share=none) %}
{%- if max_share is not none %}
{{ config(**rate_gate_config(max_share, failing_column='occurrences')) }}
{%- endif %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences,
    (select count(*) from {{ model }}) as rows_checked
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
