-- Labour force per region (province, regency) and sex: BPS Sakernas's open unemployment rate (TPT) and labour-force
-- participation rate (TPAK) beside the same measures from Regsosek's work status (int_marts_macro_persons), and the
-- gap between them. Publishable: counts suppressed as the yml's config.meta.disclosure declares; the microdata rates
-- are computed after suppression from the counts shown.
with

persons as (
    select * from {{ ref('int_marts_macro_persons') }} where has_labour_status
),

grouped as (
    select
        {{- region_grouping() }},
        sex,
        count(*) as persons_with_labour_status,
        count(*) filter (where work_status in ('working', 'seeking_work')) as labour_force,
        count(*) filter (where work_status = 'seeking_work') as unemployed
    from persons
    group by grouping sets ((province_code, sex), (province_code, regency_code, sex))
),

cells as (
    {{ published_region_cells(['sex'], ['persons_with_labour_status', 'labour_force', 'unemployed']) }}
),

suppressed as {{ suppress_small_cells('cells', order_by=['region_code', 'sex']) }},

survey as (
    select * from {{ ref('stg_bps__labour_force') }}
),

final as (
    select
        suppressed.*,
        round(100.0 * suppressed.unemployed / nullif(suppressed.labour_force, 0), 2)
            as microdata_unemployment_rate_pct,
        round(100.0 * suppressed.labour_force / nullif(suppressed.persons_with_labour_status, 0), 2)
            as microdata_participation_pct,
        survey.survey_year,
        survey.open_unemployment_rate_pct as sakernas_unemployment_rate_pct,
        survey.labour_force_participation_pct as sakernas_participation_pct,
        round(100.0 * suppressed.unemployed / nullif(suppressed.labour_force, 0)
            - survey.open_unemployment_rate_pct, 2) as unemployment_gap_points,
        round(100.0 * suppressed.labour_force / nullif(suppressed.persons_with_labour_status, 0)
            - survey.labour_force_participation_pct, 2) as participation_gap_points
    from suppressed
    left join survey
        on suppressed.region_level = 'regency'
        and suppressed.regency_code = survey.regency_code
        and suppressed.sex = survey.sex
)

select * from final
