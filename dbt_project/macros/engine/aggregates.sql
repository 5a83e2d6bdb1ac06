{#- The value of the row with the smallest (largest) ordering. order_by: one expression, or a list of them compared
    in turn (DuckDB as a row value, Spark as a struct; both compare field by field). -#}

{% macro min_by(value, order_by) -%}
    {{ return(adapter.dispatch('min_by', 'sepakat')(value, order_by)) }}
{%- endmacro %}

{% macro duckdb__min_by(value, order_by) -%}
    arg_min({{ value }}, {{ sepakat.duckdb__ordering(order_by) }})
{%- endmacro %}

{% macro spark__min_by(value, order_by) -%}
    min_by({{ value }}, {{ sepakat.spark__ordering(order_by) }})
{%- endmacro %}


{% macro max_by(value, order_by) -%}
    {{ return(adapter.dispatch('max_by', 'sepakat')(value, order_by)) }}
{%- endmacro %}

{% macro duckdb__max_by(value, order_by) -%}
    arg_max({{ value }}, {{ sepakat.duckdb__ordering(order_by) }})
{%- endmacro %}

{% macro spark__max_by(value, order_by) -%}
    max_by({{ value }}, {{ sepakat.spark__ordering(order_by) }})
{%- endmacro %}


{#- The ordering argument of min_by/max_by: a single expression as is, several as a row value (DuckDB) or a struct
    (Spark, whose parentheses do not make a row). -#}
{% macro duckdb__ordering(order_by) -%}
    {%- if order_by is string -%}{{ order_by }}{%- else -%}({{ order_by | join(', ') }}){%- endif -%}
{%- endmacro %}

{% macro spark__ordering(order_by) -%}
    {%- if order_by is string -%}{{ order_by }}{%- else -%}struct({{ order_by | join(', ') }}){%- endif -%}
{%- endmacro %}
