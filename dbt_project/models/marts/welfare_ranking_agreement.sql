-- How the registries' own rankings agree on the same family (the NTT finding: one household, three welfare
-- levels): per region (province, regency) and pair of rankings (welfare_rankings, the reference first), the
-- families by their decile under each ranking of the pair ('not_listed' where that registry does not list the
-- family, 'unknown' where it lists it without a decile), with their living members, and how many of them are
-- listed by every registry at a different decile in each. P3KE deciles are regency deciles 1-4: a P3KE decile equal
-- to a national one is a coincidence of labels, not agreement. Internal (exact counts).
with

families as (
    select * from {{ ref('int_marts_welfare_families') }}
    where village_code is not null  -- a family without a known village is in no region (the helper's rate test)
),

rankings as (
    -- The reference ranking first, then the others by name: each pair once, in a fixed order.
    select ranking, row_number() over (order by not is_reference, ranking) as ranking_order
    from {{ ref('welfare_rankings') }}
),

pairs as (
    select first.ranking as ranking_a, second.ranking as ranking_b
    from rankings as first
    inner join rankings as second on first.ranking_order < second.ranking_order
),

levelled as (
    select families.*, {{ welfare_levels_all_differ('families') }} as three_welfare_levels
    from families
),

paired as (
    select
        levelled.province_code,
        levelled.regency_code,
        pairs.ranking_a,
        pairs.ranking_b,
        {{ welfare_decile_label('pairs.ranking_a', 'levelled') }} as decile_a,
        {{ welfare_decile_label('pairs.ranking_b', 'levelled') }} as decile_b,
        levelled.members_living,
        levelled.three_welfare_levels
    from levelled
    cross join pairs
),

grouped as (
    select
        {{- region_grouping() }},
        ranking_a,
        ranking_b,
        decile_a,
        decile_b,
        count(*) as households,
        sum(members_living) as persons,
        count(*) filter (where three_welfare_levels) as households_three_levels
    from paired
    group by grouping sets (
        (province_code, ranking_a, ranking_b, decile_a, decile_b),
        (province_code, regency_code, ranking_a, ranking_b, decile_a, decile_b)
    )
),

final as (
    select
        {{ region_level('grouping_id') }} as region_level,
        {{ region_code('grouping_id') }} as region_code,
        province_code,
        regency_code,
        ranking_a,
        ranking_b,
        decile_a,
        decile_b,
        decile_a = decile_b and decile_a not in ('not_listed', 'unknown') as same_decile,
        cast(households as bigint) as households,
        cast(persons as bigint) as persons,
        cast(households_three_levels as bigint) as households_three_levels
    from grouped
)

select * from final
