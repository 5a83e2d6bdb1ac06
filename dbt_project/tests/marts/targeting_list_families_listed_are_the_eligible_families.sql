-- The families the list names (BPNT heads, PKH members' households) are as many, per programme, as the eligible
-- families targeting_errors counts over the province: returns each programme where they differ.
with

listed as (
    select program, count(distinct household_key) as families
    from {{ ref('targeting_list') }}
    where unit_kind in ('family', 'member')
    group by all
),

eligible as (
    select program, sum(eligible) as families
    from {{ ref('targeting_errors') }}
    where component = 'all' and region_level = 'province' and unit_kind = 'family'
    group by all
)

select l.program
from listed as l
inner join eligible as e on l.program = e.program
where l.families <> e.families
