{#- Selecting columns by name pattern: DuckDB's COLUMNS('regex') star expression has no Spark form, so the names
    are read from the relation when the model compiles (both engines), in the relation's column order. -#}
{% macro columns_with_prefix(relation, prefix) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) if column.name.startswith(prefix) -%}
            {%- do names.append(column.name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}


{#- A relation's columns turned into rows: one (name, value) row per row and column, NULL values left out (the
    default of both engines), the other columns kept. Used as a whole query. -#}
{% macro unpivot(relation, columns, name, value) -%}
    {{ return(adapter.dispatch('unpivot', 'sepakat')(relation, columns, name, value)) }}
{%- endmacro %}

{% macro duckdb__unpivot(relation, columns, name, value) -%}
    unpivot {{ relation }}
    on {{ columns | join(', ') }}
    into name {{ name }} value {{ value }}
{%- endmacro %}

{% macro spark__unpivot(relation, columns, name, value) -%}
    select * from {{ relation }}
    unpivot ({{ value }} for {{ name }} in ({{ columns | join(', ') }}))
{%- endmacro %}
