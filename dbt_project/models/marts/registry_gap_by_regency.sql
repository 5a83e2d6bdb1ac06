-- People in no registry, for the forum report's first screen, per region (province, regency): the linked persons
-- the registries hold and the estimate of the people none of them holds (sector NIKs no registry record carries by
-- number or by name and birth date; a lower bound, registry_coverage). The internal registry_coverage holds every
-- combination of registries; this is the part a forum may see, small counts suppressed as its yml declares.
with

coverage as (
    select * from {{ ref('registry_coverage') }}
    where region_level in ('province', 'regency') and province_code is not null
),

cells as (
    select
        region_level,
        region_code,
        province_code,
        regency_code,
        cast(persons_linked as bigint) as persons_linked,
        cast(sector_people_checked as bigint) as sector_people_checked,
        cast(persons_in_none_estimated as bigint) as persons_in_none_estimated
    from coverage
),

final as {{ suppress_small_cells('cells', order_by=['region_level', 'region_code']) }}

select * from final
