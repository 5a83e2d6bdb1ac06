{#-
    Data tests whose threshold is a rate, so that a gate scales with the province: a few bad rows in a
    5.5-million-person delivery warn, a share above the threshold errors and blocks what follows
    (docs/quality.md, "Thresholds that scale").

    dbt's warn_if and error_if compare one number, `failures`, which fail_calc computes over the rows the test
    returns. A count cannot be a share, so a rate test returns its failing rows' count (`failing_column`) next to
    the number of rows it checked (`checked_column`), and fail_calc turns them into failing rows per million
    checked, rounded up: any failure is at least 1 (so it always warns), and the test errors only above
    max_share x 1,000,000. In run results and in Dagster, `failures` of a rate test is therefore a count per
    million; the stored failures (dbt build --store-failures) keep the failing values and their row counts.

    Used as {{ config(**rate_gate_config(max_share)) }} in a generic test that takes a max_share argument.
-#}
{% macro rate_gate_config(max_share, failing_column='failing_rows', checked_column='rows_checked') -%}
    {%- if max_share is none or max_share is string or not (0 < max_share < 1) -%}
        {{ exceptions.raise_compiler_error(
            "max_share must be a share between 0 and 1 (0.001 for 0.1 %), got " ~ max_share) }}
    {%- endif -%}
    {%- set per_million = (max_share * 1000000) | round(0) | int -%}
    {{ return({
        'severity': 'error',
        'fail_calc': 'coalesce(cast(ceil(1000000.0 * sum(' ~ failing_column ~ ') / max(' ~ checked_column
            ~ ')) as bigint), 0)',
        'warn_if': '> 0',
        'error_if': '> ' ~ per_million,
    }) }}
{%- endmacro %}
