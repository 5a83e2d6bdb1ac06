-- Every indicator of the SPM catalogue (and every regional indicator) with what the pipeline does with it: computed
-- (its method, the sources it counts, whether its target population is a proxy and why) or no_source (why not, and
-- which source would be needed). So that a planner sees the whole 30-service catalogue, not only what has figures.
-- Metadata read from the seeds: no counts, no persons.
{%- set as_of = "cast('" ~ var('as_of_date') ~ "' as date)" %}
with

catalogue as (
    select spm_code as indicator_code, true as is_spm, sector, government_level, service, indicator
    from {{ ref('spm_catalogue') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by spm_code order by valid_from desc) = 1
    union all
    select indicator_code, false as is_spm, sector, government_level, service, indicator
    from {{ ref('regional_indicators') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by indicator_code order by valid_from desc) = 1
),

methods as (
    select * from {{ ref('spm_indicator_methods') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by indicator_code order by valid_from desc) = 1
),

final as (
    select
        catalogue.indicator_code,
        catalogue.is_spm,
        catalogue.sector,
        catalogue.government_level,
        catalogue.service,
        catalogue.indicator,
        case
            when methods.method is null or methods.method = 'no_source' then 'no_source'
            when methods.is_proxy then 'proxy'
            else 'computed'
        end as status,
        nullif(methods.method, 'no_source') as method,
        methods.counted_sources,
        methods.is_proxy,
        methods.proxy_note,
        case
            when methods.method is null then 'No method is declared in spm_indicator_methods'
            when methods.method = 'no_source' then methods.description
        end as no_source_reason,
        methods.source_needed,
        methods.confirmed as method_confirmed
    from catalogue
    left join methods on catalogue.indicator_code = methods.indicator_code
)

select * from final
