{% macro json_is_valid(expression) -%}
    {{ return(adapter.dispatch('json_is_valid', 'sepakat')(expression)) }}
{%- endmacro %}

{% macro duckdb__json_is_valid(expression) -%}
    json_valid({{ expression }})
{%- endmacro %}

{#- Spark has no validity test; get_json_object answers NULL for text that is not JSON (and for the JSON literal
    null, which no delivery line is). -#}
{% macro spark__json_is_valid(expression) -%}
    (get_json_object({{ expression }}, '$') is not null)
{%- endmacro %}


{#- A scalar at a JSONPath as text (nested values as JSON text), NULL where the path is absent. -#}
{% macro json_text(expression, path) -%}
    {{ return(adapter.dispatch('json_text', 'sepakat')(expression, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(expression, path) -%}
    json_extract_string({{ expression }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_text(expression, path) -%}
    get_json_object({{ expression }}, '{{ path }}')
{%- endmacro %}
