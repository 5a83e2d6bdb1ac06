{#-
  The published rows of a regional mart counted by province and regency (grouping sets, region_grouping()): each
  row's region level and code, its region keys and cells (dimensions), and its counts with the small ones
  suppressed (suppress_small_count). One select for every such mart, so that a published table cannot show a
  count the others would hide.
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
        cast({{ suppress_small_count(column) }} as bigint) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
{%- endmacro %}
