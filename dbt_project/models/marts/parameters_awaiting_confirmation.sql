-- Every parameter the forum has not confirmed yet: one row per seed row whose `confirmed` flag (or a
-- `<something>_confirmed` flag) is false, with the seed, the flag, the row's values in words, from when it applies
-- and its source. The budget marts' Dagster metadata and the report's "awaiting forum confirmation / menunggu
-- konfirmasi forum" section read it. The seeds with a confirmation flag are listed once, here; a test fails when a
-- seed with one is missing. Each seed's columns are read from the warehouse, so a new column needs no edit.
{%- set seeds = [
    'poverty_lines', 'program_eligibility_rules', 'program_unit_costs', 'rtlh_rule_sets', 'spm_index_categories',
    'member_condition_evidence', 'program_delivery', 'program_financing_shares', 'program_sipd_sub_activities',
    'spm_indicator_methods',
] %}
{%- set described = ['valid_from', 'source', 'description'] %}
with

{% for seed in seeds -%}
{%- set relation = ref(seed) %}
{%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list if execute else [] %}
{%- set flags = [] %}
{%- for column in columns if column == 'confirmed' or column.endswith('_confirmed') %}{% do flags.append(column) %}{% endfor %}
{{ seed }}_unconfirmed as (
    {%- if flags %}
    {%- for flag in flags %}
    select
        '{{ seed }}' as seed,
        '{{ flag }}' as confirmation_flag,
        concat_ws(' | ',
            {%- for column in columns if column not in described and column not in flags %}
            '{{ column }}=' || coalesce(cast({{ column }} as {{ dbt.type_string() }}), ''){{ ',' if not loop.last }}
            {%- endfor %}
        ) as parameter,
        {{ 'cast(valid_from as date)' if 'valid_from' in columns else 'cast(null as date)' }} as valid_from,
        cast({{ 'source' if 'source' in columns else 'null' }} as {{ dbt.type_string() }}) as source
    from {{ relation }}
    where not {{ flag }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as seed, cast(null as {{ dbt.type_string() }}) as confirmation_flag, cast(null as {{ dbt.type_string() }}) as parameter,
        cast(null as date) as valid_from, cast(null as {{ dbt.type_string() }}) as source
    where false
    {%- endif %}
),

{% endfor -%}
unioned as (
    {%- for seed in seeds %}
    select * from {{ seed }}_unconfirmed
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select seed, confirmation_flag, parameter, valid_from, source
    from unioned
)

select * from final
