-- Every category the RTLH rules name is a value of the component's vocabulary (a typo would never match a
-- house), and every value of the vocabulary is classified by every rule set that assesses the component (a new
-- code must be judged by each agency's rules, not silently pass as fit). Returns the offending pairs.
{{ config(meta={
    'dagster': {'ref': {'name': 'rtlh_materials'}},
    'invariant': true,
    'why': 'It compares two sets of seeds, the RTLH rule sets and the codebooks, both versioned with the code: a '
        ~ 'category outside the vocabulary or left unclassified is a mistake in a reviewed CSV, not data.',
}) }}
with

vocabulary as (
    select distinct 'roof' as component, roof_material as category from {{ ref('codebook_roof_material') }}
    union all
    select distinct 'wall', wall_material from {{ ref('codebook_wall_material') }}
    union all
    select distinct 'floor', floor_material from {{ ref('codebook_floor_material') }}
    union all
    select distinct 'sanitation', sanitation_facility from {{ ref('codebook_sanitation_facility') }}
    union all
    select distinct 'lighting', lighting_source from {{ ref('codebook_lighting_source') }}
    union all
    select distinct 'water', drinking_water_source from {{ ref('codebook_drinking_water_source') }}
),

materials as (
    select rule_set, component, category from {{ ref('rtlh_materials') }}
),

assessed as (
    select distinct rule_set, component from materials
),

not_in_vocabulary as (
    select materials.rule_set, materials.component, materials.category, 'not in the vocabulary' as problem
    from materials
    left join vocabulary
        on materials.component = vocabulary.component and materials.category = vocabulary.category
    where vocabulary.category is null
),

not_classified as (
    select assessed.rule_set, assessed.component, vocabulary.category, 'not classified' as problem
    from assessed
    inner join vocabulary on assessed.component = vocabulary.component
    left join materials
        on assessed.rule_set = materials.rule_set
        and assessed.component = materials.component
        and vocabulary.category = materials.category
    where materials.category is null
)

select * from not_in_vocabulary
union all
select * from not_classified
