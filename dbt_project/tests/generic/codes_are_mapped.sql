{#-
    Every code or label a registry delivered in `source_column` of `source_relation` has a row in the codebook
    seed `codebook_<codebook>` for `registry`. Staging maps such a value to 'unknown' (or NULL for boolean and
    numeric vocabularies) instead of passing it on; this test names each unmapped value and how many rows carry
    it (rows_affected, out of rows_checked delivered with a value), so the forum can agree a mapping. Attach it
    to the staging column that holds the mapped value.

    Without max_share the test only warns: descriptive codes, where an unmapped value changes no one's
    targeting. With max_share (a share of the rows that carry a value, e.g. 0.001) it warns at any unmapped
    value and errors, blocking what depends on the model, only when the unmapped rows exceed that share
    (macros/rate_gates.sql): a handful of keying slips in a province must not stop its refresh, a batch that
    uses another coding must.
-#}
{% test codes_are_mapped(model, column_name, source_relation, source_column, codebook, registry, max_share=none) %}
{%- if max_share is none %}
{{ config(severity='warn') }}
{%- else %}
{{ config(**rate_gate_config(max_share, failing_column='rows_affected')) }}
{%- endif %}
with

delivered as (
    select {{ code_key('delivered.' ~ source_column) }} as delivered_value
    from {{ source_relation }} as delivered
    where delivered.{{ source_column }} is not null
),

known as (
    select codebook.source_value
    from {{ ref('codebook_' ~ codebook) }} as codebook
    where codebook.registry = '{{ registry }}'
)

select
    delivered_value as unmapped_value,
    count(*) as rows_affected,
    (select count(*) from delivered) as rows_checked
from delivered
where delivered_value not in (select source_value from known)
group by 1
{% endtest %}
