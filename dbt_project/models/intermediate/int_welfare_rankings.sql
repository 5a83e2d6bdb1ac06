-- Each registry's welfare decile side by side, per person (by valid NIK) and per family (by KK number), with the
-- reference ranking agreed for eligibility (welfare_rankings.is_reference: Regsosek/DTSEN). This is the
-- deterministic view before linkage: records without a valid NIK or KK number are not here; the Splink linkage
-- gives the probabilistic one. P3KE deciles are regency-calibrated (1-4) and not comparable with national ones.
with

persons as (
    select nik as unit_key, registry, registry_decile, village_code
    from {{ ref('int_persons') }}
    where nik_is_valid
),

households as (
    select kk_number as unit_key, registry, registry_decile, village_code
    from {{ ref('int_households') }}
    where kk_number is not null
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

decile_definitions as (
    select decile, welfare_band, is_priority_band from {{ ref('decile_definitions') }}
),

records as (
    select 'person' as ranking_unit, * from persons
    union all
    select 'family' as ranking_unit, * from households
),

side_by_side as (
    -- A unit listed twice in one registry (duplicates, shared KK) keeps its poorest decile there.
    select
        ranking_unit,
        unit_key,
        min(registry_decile) filter (where registry = 'regsosek') as regsosek_decile,
        min(registry_decile) filter (where registry = 'dtks') as dtks_decile,
        min(registry_decile) filter (where registry = 'p3ke') as p3ke_decile,
        cast(count(*) filter (where registry = 'regsosek') as integer) as regsosek_records,
        cast(count(*) filter (where registry = 'dtks') as integer) as dtks_records,
        cast(count(*) filter (where registry = 'p3ke') as integer) as p3ke_records,
        cast(count(distinct registry) as integer) as registries_listing,
        coalesce(
            any_value(village_code) filter (where registry = 'regsosek'),
            any_value(village_code) filter (where registry = 'dtks'),
            any_value(village_code)
        ) as village_code
    from records
    group by ranking_unit, unit_key
),

with_reference as (
    select
        side_by_side.*,
        reference_ranking.ranking as reference_ranking,
        {{ decile_under_ranking('reference_ranking.ranking', 'side_by_side') }} as reference_decile
    from side_by_side
    cross join reference_ranking
),

final as (
    select
        with_reference.ranking_unit || ':' || with_reference.unit_key as ranking_key,
        with_reference.ranking_unit,
        with_reference.unit_key,
        with_reference.village_code,
        with_reference.regsosek_decile,
        with_reference.dtks_decile,
        with_reference.p3ke_decile,
        with_reference.reference_ranking,
        with_reference.reference_decile,
        decile_definitions.welfare_band as reference_welfare_band,
        decile_definitions.is_priority_band as reference_in_priority_band,
        -- Disagreement between the two national rankings (DTKS against Regsosek), in deciles.
        with_reference.dtks_decile - with_reference.regsosek_decile as dtks_minus_regsosek_deciles,
        with_reference.registries_listing,
        with_reference.regsosek_records,
        with_reference.dtks_records,
        with_reference.p3ke_records
    from with_reference
    left join decile_definitions on with_reference.reference_decile = decile_definitions.decile
)

select * from final
