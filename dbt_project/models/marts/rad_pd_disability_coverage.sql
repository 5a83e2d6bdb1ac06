-- RAD PD coverage: living persons with a disability by region (province, regency), whether it is severe
-- (Washington Group "cannot do at all" in a domain, the PKH severe-disability condition) or another disability
-- (int_marts_persons.has_disability), and which assistance reaches them: their family receives PKH, they receive
-- PBI-JK, both or neither (DTKS receipt, int_marts_program_units and int_marts_families). Publishable: small counts
-- and the cells that would give them away are suppressed (NULL) as its yml's config.meta.disclosure declares
-- (macros/disclosure.sql).
with

persons as (
    select
        province_code,
        regency_code,
        case when has_severe_disability then 'severe_disability' else 'other_disability' end as disability,
        case
            when family_receives_pkh and receives_pbi_jk then 'pkh_and_pbi_jk'
            when family_receives_pkh then 'pkh_only'
            when receives_pbi_jk then 'pbi_jk_only'
            else 'neither'
        end as assistance
    from {{ ref('int_marts_social_persons') }}
    where has_disability or has_severe_disability
),

grouped as (
    select
        {{- region_grouping() }},
        disability,
        assistance,
        count(*) as persons
    from persons
    group by grouping sets (
        (province_code, disability, assistance),
        (province_code, regency_code, disability, assistance)
    )
),

cells as (
    {{ published_region_cells(['disability', 'assistance'], ['persons']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'disability', 'assistance']) }}

select * from final
