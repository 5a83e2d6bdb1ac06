-- The list holds as many rows per programme and component as int_marts_program_units has eligible units: returns
-- each programme and component where the counts differ (or one side is missing).
with

listed as (
    select program, component, count(*) as units
    from {{ ref('targeting_list') }}
    group by all
),

eligible as (
    select program, component, count(*) as units
    from {{ ref('int_marts_program_units') }}
    where eligible and component <> 'all'
    group by all
)

select coalesce(l.program, e.program) as program, coalesce(l.component, e.component) as component
from listed as l
full outer join eligible as e on l.program = e.program and l.component = e.component
where l.units is distinct from e.units
