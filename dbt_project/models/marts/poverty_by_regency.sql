-- Poverty per regency: BPS Susenas (P0, P1, P2, the regency poverty line, number of poor) beside what the
-- registries count (living linked persons, persons and families in reference deciles 1-4, persons in P3KE's
-- extreme-poor decile) and the gap between them. The national poverty line is the poverty_lines seed in force.
-- Publishable: counts suppressed as the yml's config.meta.disclosure declares; the shares and gaps are computed
-- after suppression from the counts shown (NULL when a count they need is withheld), so they disclose nothing more.
{%- set as_of = "cast('" ~ var('as_of_date') ~ "' as date)" %}
with

persons as (
    select * from {{ ref('int_marts_macro_persons') }}
),

grouped as (
    select
        {{- region_grouping() }},
        count(*) as persons,
        count(*) filter (where reference_decile <= 4) as persons_deciles_1_4,
        count(distinct family_key) filter (where reference_decile <= 4) as families_deciles_1_4,
        count(*) filter (where p3ke_decile = 1) as persons_p3ke_extreme_poor
    from persons
    group by grouping sets ((province_code), (province_code, regency_code))
),

cells as (
    {{ published_region_cells([], ['persons', 'persons_deciles_1_4', 'families_deciles_1_4',
                                   'persons_p3ke_extreme_poor']) }}
),

suppressed as {{ suppress_small_cells('cells', order_by=['region_code']) }},

national_line as (
    select {{ max_by('amount_idr_per_capita_month', 'valid_from') }} as amount_idr_per_capita_month
    from {{ ref('poverty_lines') }}
    where poverty_line = 'national' and area = 'total' and valid_from <= {{ as_of }}
),

survey as (
    select * from {{ ref('stg_bps__poverty') }}
),

final as (
    select
        suppressed.*,
        survey.survey_year,
        survey.poverty_headcount_p0_pct,
        survey.poverty_gap_p1,
        survey.poverty_severity_p2,
        survey.poverty_line_idr_per_capita_month,
        survey.poor_persons_thousands,
        national_line.amount_idr_per_capita_month as national_poverty_line_idr,
        round(100.0 * suppressed.persons_deciles_1_4 / nullif(suppressed.persons, 0), 2) as share_deciles_1_4_pct,
        round(suppressed.persons * survey.poverty_headcount_p0_pct / 100) as survey_poor_persons_estimated,
        suppressed.persons_deciles_1_4 - round(suppressed.persons * survey.poverty_headcount_p0_pct / 100)
            as deciles_1_4_minus_survey_poor,
        round(100.0 * suppressed.persons_deciles_1_4 / nullif(suppressed.persons, 0)
            - survey.poverty_headcount_p0_pct, 2) as share_gap_points
    from suppressed
    cross join national_line
    left join survey on suppressed.region_level = 'regency' and suppressed.regency_code = survey.regency_code
)

select * from final
