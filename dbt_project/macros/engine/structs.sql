{% macro struct_of(fields) -%}
    {{ return(adapter.dispatch('struct_of', 'sepakat')(fields)) }}
{%- endmacro %}

{#- fields: a dict of field name -> SQL expression, in the order the struct keeps. -#}
{% macro duckdb__struct_of(fields) -%}
    { {%- for name, expression in fields.items() %}'{{ name }}': {{ expression }}{{ ", " if not loop.last }}
    {%- endfor -%} }
{%- endmacro %}

{% macro spark__struct_of(fields) -%}
    named_struct({%- for name, expression in fields.items() %}'{{ name }}', {{ expression }}{{ ", " if not loop.last }}
    {%- endfor -%})
{%- endmacro %}
