-- DIBI (BNPB) disaster events by region (province, regency), disaster type and year: events, deaths, missing,
-- injured, displaced and damaged houses, beside the families with living members whose geotag lies in a hazard
-- zone of the same type (any class; the same figure on every year's row). Every regency, type and year is a row
-- (zero where nothing happened), so that a province row is the sum of its regencies for every figure. The DIBI
-- figures are BNPB's own published counts and are shown as they are; the family counts are suppressed as its yml
-- declares (macros/disclosure.sql).
{%- set figures = ['events', 'deaths', 'missing', 'injured', 'displaced', 'houses_heavily_damaged',
                   'houses_moderately_damaged', 'houses_lightly_damaged', 'households_in_zones'] %}
with

events as (
    select * from {{ ref('stg_dibi__events') }}
),

exposed as (
    select distinct family_key, province_code, regency_code, hazard_type
    from {{ ref('int_marts_family_zones') }}
    where layer = 'hazard'
),

regencies as (
    select province_code, regency_code from events
    union
    select province_code, regency_code from exposed
),

hazards as (
    select hazard_type from events
    union
    select hazard_type from exposed
),

years as (
    select distinct event_year from events
),

regency_events as (
    select
        regency_code,
        hazard_type,
        event_year,
        count(*) as events,
        sum(deaths) as deaths,
        sum(missing) as missing,
        sum(injured) as injured,
        sum(displaced) as displaced,
        sum(houses_heavily_damaged) as houses_heavily_damaged,
        sum(houses_moderately_damaged) as houses_moderately_damaged,
        sum(houses_lightly_damaged) as houses_lightly_damaged
    from events
    group by regency_code, hazard_type, event_year
),

regency_exposed as (
    select regency_code, hazard_type, count(*) as households_in_zones
    from exposed
    group by regency_code, hazard_type
),

regency_rows as (
    select
        regencies.province_code,
        regencies.regency_code,
        hazards.hazard_type,
        years.event_year,
        {%- for figure in figures %}
        coalesce({{ 'regency_exposed' if figure == 'households_in_zones' else 'regency_events' }}.{{ figure }}, 0)
            as {{ figure }}{{ "," if not loop.last }}
        {%- endfor %}
    from regencies
    cross join hazards
    cross join years
    left join regency_events
        on regencies.regency_code = regency_events.regency_code
        and hazards.hazard_type = regency_events.hazard_type
        and years.event_year = regency_events.event_year
    left join regency_exposed
        on regencies.regency_code = regency_exposed.regency_code
        and hazards.hazard_type = regency_exposed.hazard_type
),

grouped as (
    select
        {{- region_grouping() }},
        hazard_type,
        event_year,
        {%- for figure in figures %}
        sum({{ figure }}) as {{ figure }}{{ "," if not loop.last }}
        {%- endfor %}
    from regency_rows
    group by grouping sets (
        (province_code, hazard_type, event_year),
        (province_code, regency_code, hazard_type, event_year)
    )
),

cells as (
    {{ published_region_cells(['hazard_type', 'event_year'], figures) }}
),

final as {{ suppress_small_cells('cells', order_by=['region_code', 'hazard_type', 'event_year']) }}

select * from final
