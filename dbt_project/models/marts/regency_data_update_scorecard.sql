-- The data-update scorecard of every regency (docs/villages.md): the age of the registries' latest delivery and of
-- its villages' latest forum, how much of the villages' deliveries the loader quarantined, proposals answered and
-- outstanding, how many villages delivered, a score (weights: seeds/villages/data_update_score_weights.csv; recency
-- is the mean of its villages') and the regency's rank within the province. Publishable as the village scorecard.
with

villages as (
    select
        regency_code,
        count(*) as villages,
        count(*) filter (where proposals_received > 0) as villages_delivering
    from {{ ref('int_marts_village_data_updates') }}
    where region_level = 'village'
    group by regency_code
),

regencies as (
    select
        regencies.province_code,
        regencies.regency_code,
        regencies.reference_date,
        regencies.days_since_registry_delivery,
        regencies.days_since_latest_proposal,
        villages.villages,
        villages.villages_delivering,
        cast(regencies.proposals_received as bigint) as proposals_received,
        cast(regencies.proposals_answered as bigint) as proposals_answered,
        cast(regencies.awaiting_verification as bigint) as proposals_outstanding,
        cast(regencies.records_quarantined as bigint) as records_quarantined,
        regencies.proposals_answered / nullif(regencies.proposals_received, 0) as answered_share,
        regencies.records_quarantined / nullif(regencies.proposals_received, 0) as quarantined_share,
        regencies.score,
        regencies.rank
    from {{ ref('int_marts_village_data_updates') }} as regencies
    left join villages on regencies.regency_code = villages.regency_code
    where regencies.region_level = 'regency'
),

final as {{ suppress_small_cells('regencies', order_by=['regency_code']) }}

select * from final
