-- Women and men per region (province, regency), one row per region: school participation 7-18 (Dapodik enrolment),
-- senior secondary attainment 25+ (Regsosek education), labour-force participation (Regsosek work status at the
-- visit), heads of families in reference deciles 1-4 and disability prevalence, from the registries
-- (int_marts_macro_persons), with BPS IPG and IDG beside them. Persons of unknown sex are left out. Publishable:
-- counts suppressed as the yml's config.meta.disclosure declares; rates and gaps are computed after suppression from
-- the counts shown.
{%- set sexes = ['female', 'male'] %}
{%- set counts = {
    'persons': 'true',
    'with_disability': 'has_disability',
    'aged_7_18': 'in_school_participation_age',
    'enrolled_7_18': 'in_school_participation_age and is_enrolled',
    'aged_25_plus_recorded': "in_attainment_age and education_level is not null and education_level <> 'unknown'",
    'senior_secondary_or_more': "in_attainment_age and education_level is not null and education_level <> 'unknown'
        and senior_secondary_or_more",
    'with_labour_status': 'has_labour_status',
    'labour_force': "has_labour_status and work_status in ('working', 'seeking_work')",
    'heads_of_families_deciles_1_4': 'is_family_head and reference_decile <= 4',
} %}
{%- set rates = {
    'school_participation': ('enrolled_7_18', 'aged_7_18'),
    'senior_secondary': ('senior_secondary_or_more', 'aged_25_plus_recorded'),
    'labour_force_participation': ('labour_force', 'with_labour_status'),
    'disability_prevalence': ('with_disability', 'persons'),
} %}
with

persons as (
    select * from {{ ref('int_marts_macro_persons') }} where sex in ('female', 'male')
),

grouped as (
    select
        {{- region_grouping() }},
        {%- for sex in sexes %}
        {%- for name, condition in counts.items() %}
        count(*) filter (where sex = '{{ sex }}' and {{ condition }}) as {{ sex }}_{{ name }}
        {{- "," if not loop.last }}
        {%- endfor %}{{ "," if not loop.last }}
        {%- endfor %}
    from persons
    group by grouping sets ((province_code), (province_code, regency_code))
),

{%- set count_columns = [] %}
{%- for sex in sexes %}{% for name in counts %}{% do count_columns.append(sex ~ '_' ~ name) %}{% endfor %}{% endfor %}

cells as (
    {{ published_region_cells([], count_columns) }}
),

suppressed as {{ suppress_small_cells('cells', order_by=['region_code']) }},

indices as (
    select * from {{ ref('stg_bps__gender_indices') }}
),

final as (
    select
        suppressed.*,
        {%- for sex in sexes %}
        {%- for rate, (part, whole) in rates.items() %}
        round(100.0 * suppressed.{{ sex }}_{{ part }} / nullif(suppressed.{{ sex }}_{{ whole }}, 0), 2)
            as {{ sex }}_{{ rate }}_pct,
        {%- endfor %}
        {%- endfor %}
        {%- for rate, (part, whole) in rates.items() %}
        round(100.0 * suppressed.female_{{ part }} / nullif(suppressed.female_{{ whole }}, 0)
            - 100.0 * suppressed.male_{{ part }} / nullif(suppressed.male_{{ whole }}, 0), 2) as {{ rate }}_gap_points,
        {%- endfor %}
        round(100.0 * suppressed.female_heads_of_families_deciles_1_4 / nullif(
            suppressed.female_heads_of_families_deciles_1_4 + suppressed.male_heads_of_families_deciles_1_4, 0), 2)
            as female_headed_share_deciles_1_4_pct,
        indices.index_year,
        indices.gender_development_index_ipg,
        indices.gender_empowerment_index_idg
    from suppressed
    left join indices on suppressed.region_level = 'regency' and suppressed.regency_code = indices.regency_code
)

select * from final
