{#-
  Statistical disclosure control for the published marts: a count from 1 to min_cell_count - 1 (the var, 10 by
  default) is small enough to single people out, so published views show NULL instead. Zero stays: it says that
  nobody is in the cell, which discloses nothing about a person.
-#}

{% macro is_small_count(count_expression) -%}
    ({{ count_expression }} between 1 and {{ var('min_cell_count') | int }} - 1)
{%- endmacro %}


{% macro suppress_small_count(count_expression) -%}
    case when not {{ is_small_count(count_expression) }} then {{ count_expression }} end
{%- endmacro %}
