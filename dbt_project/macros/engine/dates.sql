{% macro try_parse_date(expression, format) -%}
    {{ return(adapter.dispatch('try_parse_date', 'sepakat')(expression, format)) }}
{%- endmacro %}

{% macro duckdb__try_parse_date(expression, format) -%}
    cast(try_strptime({{ expression }}, '{{ format }}') as date)
{%- endmacro %}

{#- The format is written once, in strptime's %-codes; Spark wants Java-style letters. Only the codes the project
    uses are translated, so that an unknown code fails at compile time instead of parsing wrongly. -#}
{% macro spark__try_parse_date(expression, format) -%}
    {%- set letters = {'%d': 'dd', '%m': 'MM', '%Y': 'yyyy', '%y': 'yy'} -%}
    {%- set ns = namespace(pattern=format) -%}
    {%- for code, letter in letters.items() -%}
        {%- set ns.pattern = ns.pattern | replace(code, letter) -%}
    {%- endfor -%}
    {%- if '%' in ns.pattern -%}
        {{ exceptions.raise_compiler_error("try_parse_date: no Spark form for the format '" ~ format ~ "'") }}
    {%- endif -%}
    to_date(try_to_timestamp({{ expression }}, '{{ ns.pattern }}'))
{%- endmacro %}
