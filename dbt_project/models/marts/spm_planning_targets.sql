-- The RKPD/RPJMD indicator table and the RAD SPM annex per region (province, regency): for each SPM and regional
-- indicator, its baseline (year and value), its latest value, the target and the gap, with the target population,
-- those served and those still to reach (unserved), and the SIPD sub-activity that funds the service.
--   latest: this run's spm_indicators_published total (year of the var as_of_date);
--   baseline: the same cell in the first published run of the warehouse's history that holds it
--     (history.mart_cells, sepakat_dagster/defs/publish/history.py, whose cell text is "column=value | ..." over the
--     mart's grain), in the year that run was published; where no run has it yet, this run's value and year
--     (baseline_from says which).
-- Rows come from spm_indicators_published as it is, so a cell withheld there is withheld here (and its baseline
-- with it): the two tables cannot be subtracted from each other to recover a suppressed count.
{%- set history_runs = adapter.get_relation(database=this.database, schema='history', identifier='runs')
    if execute else none %}
{%- set history_cells = adapter.get_relation(database=this.database, schema='history', identifier='mart_cells')
    if execute else none %}
{%- set has_history = history_runs is not none and history_cells is not none %}
with

published as (
    select * from {{ ref('spm_indicators_published') }}
    where disaggregation = 'total' and region_level in ('province', 'regency')
),

baseline as (
    {%- if has_history %}
    -- Each cell's value in the first published run that holds it (an indicator added later has its own baseline).
    select
        cells.cell,
        year(runs.published_at) as baseline_year,
        cells.value as baseline_value_pct
    from {{ history_cells }} as cells
    inner join {{ history_runs }} as runs on cells.run_id = runs.run_id
    where runs.published_at is not null
        and cells.mart = 'spm_indicators_published' and cells.measure = 'achievement_pct'
        and cells.cell like '%| disaggregation=total | disaggregation_value=all'
    qualify row_number() over (partition by cells.cell order by runs.published_at, runs.run_id) = 1
    {%- else %}
    select cast(null as {{ dbt.type_string() }}) as cell, cast(null as integer) as baseline_year,
        cast(null as double) as baseline_value_pct
    where false
    {%- endif %}
),

final as (
    select
        published.region_level,
        published.region_code,
        published.region_name,
        published.province_code,
        published.regency_code,
        published.indicator_code,
        published.is_spm,
        published.sector,
        published.government_level,
        published.indicator,
        published.method,
        published.is_proxy,
        published.proxy_note,
        published.suppressed,
        published.suppression_reason,
        published.denominator as target_population,
        published.numerator as served,
        published.denominator - published.numerator as unserved,
        case
            when published.suppressed then null
            when baseline.cell is not null then 'first_published_run'
            else 'this_run'
        end as baseline_from,
        case
            when published.suppressed then null
            else coalesce(baseline.baseline_year, year(cast('{{ var('as_of_date') }}' as date)))
        end as baseline_year,
        case
            when published.suppressed then null
            when baseline.cell is not null then baseline.baseline_value_pct
            else published.achievement_pct
        end as baseline_value_pct,
        year(cast('{{ var('as_of_date') }}' as date)) as latest_year,
        published.achievement_pct as latest_value_pct,
        published.target_pct,
        published.gap_to_target_pct,
        published.category,
        published.category_label,
        published.sipd_sub_activity_code
    from published
    left join baseline
        on baseline.cell = 'region_level=' || published.region_level
            || ' | region_code=' || published.region_code
            || ' | indicator_code=' || published.indicator_code
            || ' | disaggregation=total | disaggregation_value=all'
)

select * from final
