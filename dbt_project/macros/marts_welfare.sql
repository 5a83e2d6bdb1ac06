{#-
  A family's decile under a ranking as the welfare distribution marts label it: the decile as text, 'unknown' where
  the ranking's registry lists the family without a decile, 'not_listed' where it does not list the family.
  ranking_column names the ranking per row (welfare_rankings.ranking); families carries in_<registry> and
  <registry>_decile (int_marts_welfare_families). One place, so that the ranking and agreement marts label alike.
-#}
{% macro welfare_decile_label(ranking_column, families) -%}
    case
            when {{ decile_under_ranking(ranking_column, families) }} is not null
                then cast({{ decile_under_ranking(ranking_column, families) }} as {{ dbt.type_string() }})
            when case {{ ranking_column }}
            {%- for source in registries() %}
                when '{{ source.registry }}' then {{ families }}.in_{{ source.registry }}
            {%- endfor %}
            end then 'unknown'
            else 'not_listed'
        end
{%- endmacro %}


{#- Listed by every registry, with a decile in each, and no two of those deciles alike (one family, as many welfare
    levels as registries). list_distinct drops NULLs (on both engines), so a missing decile makes the list shorter. -#}
{% macro welfare_levels_all_differ(families) -%}
    {%- set deciles = [] %}
    {%- for source in registries() %}{% do deciles.append(families ~ '.' ~ source.registry ~ '_decile') %}{% endfor -%}
    {{ list_length(list_distinct(list_of(deciles))) }} = {{ registries() | length }}
{%- endmacro %}
