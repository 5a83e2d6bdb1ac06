{#-
    Every code or label a registry delivered in `source_column` of `source_relation` has a row in the codebook
    seed `codebook_<codebook>` for `registry`. Staging maps such a value to 'unknown' (or NULL for boolean and
    numeric vocabularies) instead of passing it on; this test names each unmapped value and how many rows carry
    it, so the forum can agree a mapping. Attach it to the staging column that holds the mapped value.
-#}
{% test codes_are_mapped(model, column_name, source_relation, source_column, codebook, registry) %}
{#- Warn by default; the yml raises it to error where an unmapped code would change who is targeted. #}
{{ config(severity='warn') }}
select
    {{ code_key('delivered.' ~ source_column) }} as unmapped_value,
    count(*) as rows_affected
from {{ source_relation }} as delivered
where delivered.{{ source_column }} is not null
    and {{ code_key('delivered.' ~ source_column) }} not in (
        select codebook.source_value
        from {{ ref('codebook_' ~ codebook) }} as codebook
        where codebook.registry = '{{ registry }}'
    )
group by 1
{% endtest %}
