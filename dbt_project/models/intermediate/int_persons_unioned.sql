{{ config(materialized='view') }}
-- Person records of Regsosek, DTKS and P3KE in one shape, each with its household's village and decile and a
-- record key that is unique across registries ('<source table>:<id>'). The registries and their tables are
-- macros/registry_union.sql. A view: int_persons and int_registry_corrections both read it, and DuckDB computes it
-- inside their builds.
with
{% for source in registries() %}
{{ source.registry }} as (
    select
        {{ registry_record_key(source.person_table, 'persons.person_id') }} as person_record_key,
        '{{ source.registry }}' as registry,
        '{{ source.person_table }}' as source_table,
        persons.person_id as record_id,
        {{ registry_record_key(source.household_table, 'persons.' ~ source.household_id) }} as household_record_key,
        persons.nik,
        persons.full_name,
        persons.sex,
        persons.birth_date,
        persons.relationship_to_head,
        households.village_code,
        households.district_code,
        households.regency_code,
        households.province_code,
        households.decile as registry_decile,
        {{ registry_record_date(source, 'households') }},
        {{ record_lineage('persons') }}
    from {{ ref(source.persons_model) }} as persons
    left join {{ ref(source.households_model) }} as households
        on persons.{{ source.household_id }} = households.{{ source.household_id }}
),
{% endfor %}
final as (
    {{- union_registries() }}
)

select * from final
