-- Women and men per region (province, regency), one row per region and sex: school participation 7-18 (Dapodik
-- enrolment), senior secondary attainment 25+ (Regsosek education), labour-force participation (Regsosek work status
-- at the visit), heads of families in reference deciles 1-4 and disability prevalence, from the registries
-- (int_marts_macro_persons), with the female-minus-male gap of each rate and BPS IPG and IDG on both rows. Persons of
-- unknown sex are left out. Publishable: counts suppressed as the yml's config.meta.disclosure declares; rates and
-- gaps are computed after suppression from the counts shown.
{%- set rates = {
    'school_participation': ('enrolled_7_18', 'aged_7_18'),
    'senior_secondary': ('senior_secondary_or_more', 'aged_25_plus_recorded'),
    'labour_force_participation': ('labour_force', 'with_labour_status'),
    'disability_prevalence': ('with_disability', 'persons'),
} %}
with

persons as (
    select
        *,
        in_attainment_age and education_level is not null and education_level <> 'unknown' as attainment_recorded
    from {{ ref('int_marts_macro_persons') }}
    where sex in ('female', 'male')
),

grouped as (
    select
        {{- region_grouping() }},
        sex,
        count(*) as persons,
        count(*) filter (where has_disability) as with_disability,
        count(*) filter (where in_school_participation_age) as aged_7_18,
        count(*) filter (where in_school_participation_age and is_enrolled) as enrolled_7_18,
        count(*) filter (where attainment_recorded) as aged_25_plus_recorded,
        count(*) filter (where attainment_recorded and senior_secondary_or_more) as senior_secondary_or_more,
        count(*) filter (where has_labour_status) as with_labour_status,
        count(*) filter (where has_labour_status and work_status in ('working', 'seeking_work')) as labour_force,
        count(*) filter (where is_family_head and reference_decile <= 4) as heads_of_families_deciles_1_4
    from persons
    group by grouping sets ((province_code, sex), (province_code, regency_code, sex))
),

cells as (
    {{ published_region_cells(['sex'], ['persons', 'with_disability', 'aged_7_18', 'enrolled_7_18',
                                        'aged_25_plus_recorded', 'senior_secondary_or_more', 'with_labour_status',
                                        'labour_force', 'heads_of_families_deciles_1_4']) }}
),

suppressed as {{ suppress_small_cells('cells', order_by=['region_code', 'sex']) }},

rates as (
    select
        *,
        {%- for rate, (part, whole) in rates.items() %}
        round(100.0 * {{ part }} / nullif({{ whole }}, 0), 2) as {{ rate }}_pct,
        {%- endfor %}
        round(100.0 * heads_of_families_deciles_1_4
            / nullif(sum(heads_of_families_deciles_1_4) over region, 0), 2) as share_of_heads_deciles_1_4_pct
    from suppressed
    window region as (partition by region_level, region_code)
),

indices as (
    select * from {{ ref('stg_bps__gender_indices') }}
),

final as (
    select
        rates.*,
        {%- for rate in rates %}
        max({{ rate }}_pct) filter (where sex = 'female') over region
            - max({{ rate }}_pct) filter (where sex = 'male') over region as {{ rate }}_gap_points,
        {%- endfor %}
        indices.index_year,
        indices.gender_development_index_ipg,
        indices.gender_empowerment_index_idg
    from rates
    left join indices on rates.region_level = 'regency' and rates.regency_code = indices.regency_code
    window region as (partition by rates.region_level, rates.region_code)
)

select * from final
