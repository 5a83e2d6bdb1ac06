{#- The form in which codes and labels are looked up in the codebook seeds: text, trimmed, upper case. -#}
{% macro code_key(expression) -%}
upper(trim(cast({{ expression }} as {{ dbt.type_string() }})))
{%- endmacro %}

{#-
    A lookup from the distinct values of `source_column` in `relation` to the common vocabulary of the codebook
    seed `codebook_<codebook>` for `registry`: columns `code` (the value as delivered) and each of
    `output_columns` (by default the column named like the codebook). A delivered value the codebook does not
    know maps to `unknown_value` ('unknown' for text vocabularies, NULL for boolean and numeric ones) and the
    codes_are_mapped test names it; NULL stays NULL (no row). Staging models join it on the delivered value:

        roof_codes as ({{ codebook_lookup(source('dtks', 'dtks_ruta'), 'atap', 'roof_material', 'dtks') }}),
        ...
        left join roof_codes on source.atap = roof_codes.code

    Why a lookup of distinct values rather than a join per row on upper(trim(...)): the text work and the
    codebook join happen once per distinct code (a handful) instead of once per row, which keeps staging views
    cheap at province scale (5.5 million persons); every test on a view re-runs it.
-#}
{% macro codebook_lookup(relation, source_column, codebook, registry, output_columns=none, unknown_value="'unknown'") -%}
    select
        delivered.code,
        {%- for column in output_columns or [codebook] %}
        coalesce(codebook.{{ column }}, {{ unknown_value }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select distinct {{ source_column }} as code
        from {{ relation }}
        where {{ source_column }} is not null
    ) as delivered
    left join {{ ref('codebook_' ~ codebook) }} as codebook
        on codebook.registry = '{{ registry }}'
        and codebook.source_value = {{ code_key('delivered.code') }}
{%- endmacro %}
