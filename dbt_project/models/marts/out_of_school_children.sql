-- Children out of school: living persons in the age band of the SPM indicator of out-of-school children
-- (spm_indicator_methods, population_condition out_of_formal_school: ages 7-18) by region (province, regency),
-- reference decile and disability, and how many of them Dapodik enrols nowhere, not even in equivalency education
-- (Paket A/B/C): enrolment is Dapodik's, matched on NIK, as the SPM education indicators read it. Publishable:
-- small counts and the cells that would give them away are suppressed (NULL) as its yml's config.meta.disclosure
-- declares (macros/disclosure.sql).
{%- set as_of = "cast('" ~ var('as_of_date') ~ "' as date)" %}
with

age_band as (
    select min_age_months, max_age_months from {{ ref('spm_indicator_methods') }}
    where population_condition = 'out_of_formal_school' and valid_from <= {{ as_of }}
    qualify row_number() over (order by valid_from desc, indicator_code) = 1
),

children as (
    select
        persons.province_code,
        persons.regency_code,
        coalesce(cast(persons.reference_decile as {{ dbt.type_string() }}), 'unknown') as reference_decile,
        case when persons.has_disability then 'with_disability' else 'without_disability' end as disability,
        persons.education_stage is null as out_of_school
    from {{ ref('int_marts_social_persons') }} as persons
    cross join age_band
    where persons.age_months between age_band.min_age_months and age_band.max_age_months
),

grouped as (
    select
        {{- region_grouping() }},
        reference_decile,
        disability,
        count(*) as children,
        count(*) filter (where out_of_school) as out_of_school
    from children
    group by grouping sets (
        (province_code, reference_decile, disability),
        (province_code, regency_code, reference_decile, disability)
    )
),

cells as (
    {{ published_region_cells(['reference_decile', 'disability'], ['children', 'out_of_school']) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'reference_decile', 'disability']) }}

select * from final
