{#-
  Regions in the marts: how a family's or patient's region codes follow from its village code, and how a row of a
  `group by grouping sets` over the region levels (province, regency[, district[, village]]) says which level it
  is. The levels are a prefix of province > regency > district > village; the grouping id is grouping() over the
  levels below the province, so 0 is the deepest level and every level up sets one more bit (depth 2: 1 = province;
  depth 3: 3 = province, 1 = regency). One place, so that every mart labels and joins its region rows alike.
-#}

{% macro region_levels(depth) -%}
    {{ return(['province', 'regency', 'district', 'village'][:depth]) }}
{%- endmacro %}


{#- The district, regency and province codes of a village code (BPS codes nest: 2, 4, 6 and 10 digits). -#}
{% macro region_codes_from_village(village_code) -%}
    left({{ village_code }}, 6) as district_code,
        left({{ village_code }}, 4) as regency_code,
        left({{ village_code }}, 2) as province_code
{%- endmacro %}


{#- The region keys and grouping id of a grouping-sets row, for the select list (relation: qualifier). -#}
{% macro region_grouping(depth=2, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' %}
    {%- set levels = region_levels(depth) %}
    {%- for level in levels %}
        {{ prefix }}{{ level }}_code,
    {%- endfor %}
        grouping({% for level in levels[1:] %}{{ prefix }}{{ level }}_code{{ ", " if not loop.last }}{% endfor %}) as grouping_id
{%- endmacro %}


{#- The level of a grouping-sets row: 'province', 'regency' or 'district'. -#}
{% macro region_level(grouping_id, depth=2) -%}
    {%- set levels = region_levels(depth) -%}
    case {{ grouping_id }}
    {%- for level in levels[:-1] %} when {{ 2 ** (depth - 1 - loop.index0) - 1 }} then '{{ level }}'{% endfor %} else '{{ levels[-1] }}' end
{%- endmacro %}


{#- The code of a grouping-sets row's region at its level (relation: qualifier of the region key columns). -#}
{% macro region_code(grouping_id, depth=2, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- set levels = region_levels(depth) -%}
    case {{ grouping_id }}
    {%- for level in levels[:-1] %} when {{ 2 ** (depth - 1 - loop.index0) - 1 }} then {{ prefix }}{{ level }}_code{% endfor %}
        else {{ prefix }}{{ levels[-1] }}_code end
{%- endmacro %}
