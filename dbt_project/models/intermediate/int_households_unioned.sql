{{ config(materialized='view') }}
-- Household (Regsosek keluarga, DTKS ruta) and family (P3KE keluarga) records in one shape, with how many
-- members each registry lists. Registries that do not collect an item leave it NULL (P3KE: floor area,
-- lighting, cooking fuel, tenure; DTKS: cooking fuel, tenure; not_collected in macros/registry_union.sql).
with
{% for source in registries() %}
{{ source.registry }}_members as (
    select {{ source.household_id }}, cast(count(*) as integer) as members_listed
    from {{ ref(source.persons_model) }}
    group by {{ source.household_id }}
),

{{ source.registry }} as (
    select
        {{ registry_record_key(source.household_table, 'households.' ~ source.household_id) }} as household_record_key,
        '{{ source.registry }}' as registry,
        '{{ source.household_table }}' as source_table,
        households.{{ source.household_id }} as record_id,
        households.kk_number,
        households.village_code,
        households.district_code,
        households.regency_code,
        households.province_code,
        households.decile as registry_decile,
        {{ registry_household_item(source, 'households', 'household_size_recorded', 'integer') }},
        coalesce(members.members_listed, 0) as members_listed,
        {%- set text = dbt.type_string() %}
        {%- for column, type in [
            ('floor_area_m2', 'double'), ('roof_material', text), ('wall_material', text), ('floor_material', text),
            ('drinking_water_source', text), ('sanitation_facility', text), ('lighting_source', text),
            ('cooking_fuel', text), ('tenure_status', text), ('receives_pkh', 'boolean'), ('receives_bpnt', 'boolean')] %}
        {{ registry_household_item(source, 'households', column, type) }},
        {%- endfor %}
        {{ registry_record_date(source, 'households') }},
        {{ record_lineage('households') }}
    from {{ ref(source.households_model) }} as households
    left join {{ source.registry }}_members as members
        on households.{{ source.household_id }} = members.{{ source.household_id }}
),
{% endfor %}
final as (
    {{- union_registries() }}
)

select * from final
