-- Persons and households by national welfare percentile 1-100 per region (province, regency): DTSEN's finer
-- ranking, which only Regsosek delivers (int_marts_welfare_families.regsosek_percentile). A family Regsosek does
-- not rank is 'unknown'. Living linked persons count under their family's percentile. Exact counts (internal);
-- welfare_distribution_by_percentile_published suppresses the small ones.
with

families as (
    select
        province_code,
        regency_code,
        coalesce(cast(regsosek_percentile as {{ dbt.type_string() }}), 'unknown') as percentile,
        members_living
    from {{ ref('int_marts_welfare_families') }}
    where village_code is not null  -- a family without a known village is in no region (the helper's rate test)
),

grouped as (
    select
        {{- region_grouping() }},
        percentile,
        count(*) as households,
        sum(members_living) as persons
    from families
    group by grouping sets (
        (province_code, percentile),
        (province_code, regency_code, percentile)
    )
),

final as (
    {{ published_region_cells(['percentile'], ['persons', 'households']) }}
)

select * from final
