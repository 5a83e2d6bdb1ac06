-- INARISK per village: the highest hazard class of any hazard there (hazard_classes orders them), whether that
-- makes the village a hazard zone, and which hazards are at that class. Villages INARISK does not list are 'none'.
with

hazards as (
    select village_code, hazard_type, hazard_class from {{ ref('stg_inarisk__hazards') }}
    where hazard_class is not null and hazard_class <> 'unknown'
),

classes as (
    select hazard_class, hazard_rank, in_hazard_zone from {{ ref('hazard_classes') }}
),

ranked as (
    select hazards.village_code, hazards.hazard_type, classes.hazard_class, classes.hazard_rank, classes.in_hazard_zone
    from hazards
    inner join classes on hazards.hazard_class = classes.hazard_class
),

villages as (
    select village_code, max(hazard_rank) as hazard_rank
    from ranked
    group by village_code
),

final as (
    select
        villages.village_code,
        any_value(ranked.hazard_class) as hazard_zone,
        bool_or(ranked.in_hazard_zone) as in_hazard_zone,
        array_sort(array_agg(distinct ranked.hazard_type)) as hazards_at_zone_class
    from villages
    inner join ranked on villages.village_code = ranked.village_code and villages.hazard_rank = ranked.hazard_rank
    group by villages.village_code
)

select * from final
