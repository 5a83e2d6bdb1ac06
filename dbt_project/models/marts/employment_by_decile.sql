-- Employment by region (province, regency), reference decile, sex and age group (age_groups), from the work status,
-- status in employment and industry sector Regsosek records: the labour force, the working and the unemployed,
-- informal workers (employment_formality), workers in agriculture (industry_sector_groups), and working children
-- (macro_age_bands).
-- Labour status is as of the Regsosek visit (int_marts_macro_persons). Publishable: counts suppressed as the yml's
-- config.meta.disclosure declares; the rates are computed after suppression from the counts shown.
with

persons as (
    select
        *,
        coalesce(cast(reference_decile as {{ dbt.type_string() }}), 'unknown') as decile,
        coalesce(age_group, 'unknown') as age_group_label
    from {{ ref('int_marts_macro_persons') }}
),

grouped as (
    select
        {{- region_grouping() }},
        decile,
        sex,
        age_group_label as age_group,
        count(*) as persons,
        count(*) filter (where has_labour_status) as persons_with_labour_status,
        count(*) filter (where has_labour_status and work_status in ('working', 'seeking_work')) as labour_force,
        count(*) filter (where has_labour_status and work_status = 'working') as working,
        count(*) filter (where has_labour_status and work_status = 'seeking_work') as unemployed,
        count(*) filter (where has_labour_status and work_status = 'working' and is_informal) as working_informal,
        count(*) filter (where has_labour_status and work_status = 'working' and sector_group = 'agriculture')
            as working_agriculture,
        count(*) filter (where is_working_child) as working_children
    from persons
    group by grouping sets (
        (province_code, decile, sex, age_group_label),
        (province_code, regency_code, decile, sex, age_group_label)
    )
),

cells as (
    {{ published_region_cells(['decile', 'sex', 'age_group'],
                              ['persons', 'persons_with_labour_status', 'labour_force', 'working', 'unemployed',
                               'working_informal', 'working_agriculture', 'working_children']) }}
),

suppressed as {{ suppress_small_cells('cells', order_by=['region_code', 'decile', 'sex', 'age_group']) }},

final as (
    select
        *,
        round(100.0 * unemployed / nullif(labour_force, 0), 2) as open_unemployment_rate_pct,
        round(100.0 * labour_force / nullif(persons_with_labour_status, 0), 2) as labour_force_participation_pct,
        round(100.0 * working_informal / nullif(working, 0), 2) as informal_share_pct
    from suppressed
)

select * from final
