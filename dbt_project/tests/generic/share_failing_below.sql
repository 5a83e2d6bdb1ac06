{#-
    A rate gate for values a registry delivers: the share of the model's rows for which `failing_when` holds
    (by default, the column is NULL: a not-null test as a rate) stays at most `max_share` (e.g. 0.001 for
    0.1 %). Any failing row warns, so a few bad records stay visible; the test errors, and blocks what depends
    on the model, only above the share (macros/rate_gates.sql). Returns one row, failing_rows out of
    rows_checked, when any row fails.

        - share_failing_below:
            arguments:
              max_share: 0.001
            config:
              meta: {why: "..."}

    Use it where a few bad rows are data, not a bug; a rule the pipeline's code guarantees keeps a plain
    zero-tolerance test (not_null, unique, relationships) marked invariant.
-#}
{% test share_failing_below(model, max_share, column_name=none, failing_when=none) %}
{%- if failing_when is none and column_name is none %}
    {{ exceptions.raise_compiler_error("share_failing_below needs a column or a failing_when condition") }}
{%- endif %}
{{ config(**rate_gate_config(max_share)) }}
with

counted as (
    select
        count(*) filter (where {{ failing_when if failing_when is not none else column_name ~ ' is null' }})
            as failing_rows,
        count(*) as rows_checked
    from {{ model }}
)

select failing_rows, rows_checked
from counted
where failing_rows > 0
{% endtest %}
