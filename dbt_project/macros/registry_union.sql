{#-
  The three registries of the harmonisation (Regsosek, DTKS, P3KE) in one place, so that the union models, the
  record keys they build and the marts' per-registry columns cannot drift apart: a registry added or renamed here
  is added or renamed everywhere.

  registries(): one entry per registry, in the order the union models list them:
    registry            the name used in every `registry` column and in the per-registry column names (in_dtks, ...)
    person_table        the source table of its person records: person_record_key = '<person_table>:<person id>'
    household_table     the source table of its household/family records: household_record_key likewise
    persons_model       its staging model of persons
    households_model    its staging model of households (P3KE: families)
    household_id        the household/family id column of both staging models
    record_date         the column that dates a household record (none: the registry does not date it)
    not_collected       household items the registry does not collect; the union leaves them NULL
-#}

{% macro registries() -%}
    {{ return([
        {'registry': 'regsosek', 'person_table': 'regsosek_individu', 'household_table': 'regsosek_keluarga',
         'persons_model': 'stg_regsosek__persons', 'households_model': 'stg_regsosek__households',
         'household_id': 'household_id', 'record_date': 'enumerated_on',
         'not_collected': ['receives_pkh', 'receives_bpnt']},
        {'registry': 'dtks', 'person_table': 'dtks_art', 'household_table': 'dtks_ruta',
         'persons_model': 'stg_dtks__persons', 'households_model': 'stg_dtks__households',
         'household_id': 'household_id', 'record_date': 'updated_on',
         'not_collected': ['household_size_recorded', 'cooking_fuel', 'tenure_status', 'rt', 'rw']},
        {'registry': 'p3ke', 'person_table': 'p3ke_individu', 'household_table': 'p3ke_keluarga',
         'persons_model': 'stg_p3ke__persons', 'households_model': 'stg_p3ke__families',
         'household_id': 'family_id', 'record_date': none,
         'not_collected': ['household_size_recorded', 'floor_area_m2', 'lighting_source', 'cooking_fuel',
                           'tenure_status', 'rt', 'rw']},
    ]) }}
{%- endmacro %}


{#- A record key unique across registries: '<source table>:<id>'. -#}
{% macro registry_record_key(source_table, id_column) -%}
    '{{ source_table }}:' || {{ id_column }}
{%- endmacro %}


{#- A registry's value of a household item, or a typed NULL where the registry does not collect it. -#}
{% macro registry_household_item(registry, relation, column, type) -%}
    {%- if column in registry.not_collected -%}
        cast(null as {{ type }}) as {{ column }}
    {%- else -%}
        {{ relation }}.{{ column }}
    {%- endif -%}
{%- endmacro %}


{#- The record date of a registry's household record (NULL for a registry that does not date its records). -#}
{% macro registry_record_date(registry, relation) -%}
    {%- if registry.record_date -%}
        {{ relation }}.{{ registry.record_date }} as record_date
    {%- else -%}
        cast(null as date) as record_date
    {%- endif -%}
{%- endmacro %}


{#-
  Per linked unit (person or family) from its records: which registries list it, how many records it has
  (records_column), and the poorest decile each registry gives (a registry may list the unit twice). Aggregates of
  a `group by` over rows that carry `registry` and `registry_decile`.
-#}
{% macro registry_presence(records_column) -%}
    {%- for source in registries() %}
        bool_or(registry = '{{ source.registry }}') as in_{{ source.registry }},
    {%- endfor %}
        cast(count(*) as integer) as {{ records_column }},
    {%- for source in registries() %}
        min(registry_decile) filter (where registry = '{{ source.registry }}') as {{ source.registry }}_decile
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#-
  Which record describes a linked person or family: the reference registry's first, then DTKS (updated until
  2025), then P3KE. Needs the reference_ranking CTE (welfare_rankings.is_reference) in the query.
-#}
{% macro registry_record_rank(registry_column) -%}
    case
            when {{ registry_column }} = reference_ranking.ranking then 1
            when {{ registry_column }} = 'dtks' then 2
            else 3
        end
{%- endmacro %}


{#- The family's decile in the ranking a row names (ranking_column: the reference ranking or a rule's ranking). -#}
{% macro decile_under_ranking(ranking_column, families) -%}
    case {{ ranking_column }}
    {%- for source in registries() %}
            when '{{ source.registry }}' then {{ families }}.{{ source.registry }}_decile
    {%- endfor %}
        end
{%- endmacro %}


{#- The per-registry CTEs of a union model (named after their registry) stacked into one relation. -#}
{% macro union_registries() -%}
    {%- for source in registries() %}
    select * from {{ source.registry }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#- Where a record came from (the delivered file and its line): every record model carries it, last. -#}
{% macro record_lineage(relation) -%}
    {{ relation }}.source_file,
        {{ relation }}.source_line
{%- endmacro %}
