{#- Lists (DuckDB) and arrays (Spark). DuckDB's array_sort, array_contains and array_agg are Spark's names too and
    need no macro; what differs is below. -#}

{% macro list_of(items) -%}
    {{ return(adapter.dispatch('list_of', 'sepakat')(items)) }}
{%- endmacro %}

{% macro duckdb__list_of(items) -%}
    [{{ items | join(', ') }}]
{%- endmacro %}

{% macro spark__list_of(items) -%}
    array({{ items | join(', ') }})
{%- endmacro %}


{% macro list_element(list, index) -%}
    {{ return(adapter.dispatch('list_element', 'sepakat')(list, index)) }}
{%- endmacro %}

{% macro duckdb__list_element(list, index) -%}
    {{ list }}[{{ index }}]
{%- endmacro %}

{#- Spark's l[i] counts from 0 and has no negative indexes; try_element_at counts from 1 like DuckDB, from the end
    when negative, and gives NULL past either end, as DuckDB does. -#}
{% macro spark__list_element(list, index) -%}
    try_element_at({{ list }}, {{ index }})
{%- endmacro %}


{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length', 'sepakat')(list)) }}
{%- endmacro %}

{% macro duckdb__list_length(list) -%}
    len({{ list }})
{%- endmacro %}

{#- Spark's length() is a string's length only. -#}
{% macro spark__list_length(list) -%}
    array_size({{ list }})
{%- endmacro %}


{% macro list_distinct(list) -%}
    {{ return(adapter.dispatch('list_distinct', 'sepakat')(list)) }}
{%- endmacro %}

{% macro duckdb__list_distinct(list) -%}
    list_distinct({{ list }})
{%- endmacro %}

{#- DuckDB's list_distinct drops NULLs, Spark's array_distinct keeps one: filtered first. Neither promises an
    order; sort the result where order matters. -#}
{% macro spark__list_distinct(list) -%}
    array_distinct(filter({{ list }}, element -> element is not null))
{%- endmacro %}


{% macro list_has_any(left, right) -%}
    {{ return(adapter.dispatch('list_has_any', 'sepakat')(left, right)) }}
{%- endmacro %}

{% macro duckdb__list_has_any(left, right) -%}
    list_has_any({{ left }}, {{ right }})
{%- endmacro %}

{#- DuckDB ignores NULL elements (false when nothing else is shared); Spark's arrays_overlap answers NULL then. -#}
{% macro spark__list_has_any(left, right) -%}
    arrays_overlap(
        filter({{ left }}, element -> element is not null), filter({{ right }}, element -> element is not null)
    )
{%- endmacro %}


{% macro list_filter(list, variable, predicate) -%}
    {{ return(adapter.dispatch('list_filter', 'sepakat')(list, variable, predicate)) }}
{%- endmacro %}

{#- DuckDB 2.0 rejects the arrow form of lambdas, Spark accepts only that form. -#}
{% macro duckdb__list_filter(list, variable, predicate) -%}
    list_filter({{ list }}, lambda {{ variable }}: {{ predicate }})
{%- endmacro %}

{% macro spark__list_filter(list, variable, predicate) -%}
    filter({{ list }}, {{ variable }} -> {{ predicate }})
{%- endmacro %}


{% macro list_join(list, separator) -%}
    {{ return(adapter.dispatch('list_join', 'sepakat')(list, separator)) }}
{%- endmacro %}

{% macro duckdb__list_join(list, separator) -%}
    array_to_string({{ list }}, '{{ separator }}')
{%- endmacro %}

{% macro spark__list_join(list, separator) -%}
    array_join({{ list }}, '{{ separator }}')
{%- endmacro %}


{% macro split_to_list(expression, delimiter) -%}
    {{ return(adapter.dispatch('split_to_list', 'sepakat')(expression, delimiter)) }}
{%- endmacro %}

{% macro duckdb__split_to_list(expression, delimiter) -%}
    string_split({{ expression }}, '{{ delimiter }}')
{%- endmacro %}

{#- Spark's split takes a regular expression: the delimiter's regex metacharacters are escaped, with the backslash
    doubled for Spark's string literal. A backslash as delimiter is not supported. -#}
{% macro spark__split_to_list(expression, delimiter) -%}
    {%- set ns = namespace(pattern='') -%}
    {%- for character in delimiter -%}
        {%- set ns.pattern = ns.pattern ~ ('\\\\' ~ character if character in '.|()[]{}*+?^$' else character) -%}
    {%- endfor -%}
    split({{ expression }}, '{{ ns.pattern }}')
{%- endmacro %}


{% macro unnest_list(list) -%}
    {{ return(adapter.dispatch('unnest_list', 'sepakat')(list)) }}
{%- endmacro %}

{#- One output row per element, in a select list beside other columns. -#}
{% macro duckdb__unnest_list(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro spark__unnest_list(list) -%}
    explode({{ list }})
{%- endmacro %}
