{#-
  The rows of a publishable regional mart counted by province and regency (grouping sets, region_grouping()): each
  row's region level and code, its region keys and cells (dimensions), and its counts, before suppression. The model
  then passes them through suppress_small_cells (macros/disclosure.sql), which its yml's config.meta.disclosure
  drives: one shape for every such mart, so that its region identity (province = sum of its regencies) is declared
  the same way everywhere.
-#}
{% macro published_region_cells(dimensions, counts, relation='grouped') -%}
    select
        {{ region_level('grouping_id') }} as region_level,
        {{ region_code('grouping_id') }} as region_code,
        province_code,
        regency_code,
        {%- for dimension in dimensions %}
        {{ dimension }},
        {%- endfor %}
        {%- for column in counts %}
        cast({{ column }} as bigint) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
{%- endmacro %}
