-- The data-update scorecard of every village (docs/villages.md): how recently its forum or SID delivered, how much
-- of it the loader quarantined, how many proposals were answered and how many still wait, a score (weights:
-- seeds/villages/data_update_score_weights.csv) and the village's rank within its regency. Publishable: the counts,
-- shares and score are withheld together (NULL) when a count or its complement is from 1 to min_cell_count - 1;
-- the forum date's age and the rank, which count no one, stay.
with

villages as (
    select
        province_code,
        regency_code,
        district_code,
        village_code,
        reference_date,
        days_since_latest_proposal,
        cast(proposals_received as bigint) as proposals_received,
        cast(proposals_answered as bigint) as proposals_answered,
        cast(awaiting_verification as bigint) as proposals_outstanding,
        cast(records_quarantined as bigint) as records_quarantined,
        proposals_answered / nullif(proposals_received, 0) as answered_share,
        records_quarantined / nullif(proposals_received, 0) as quarantined_share,
        score,
        rank
    from {{ ref('int_marts_village_data_updates') }}
    where region_level = 'village'
),

final as {{ suppress_small_cells('villages', order_by=['village_code']) }}

select * from final
