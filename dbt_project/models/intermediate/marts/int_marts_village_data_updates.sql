-- What each village and regency delivered through its forums and SID, before small cells are withheld: proposals
-- received and how they were answered (int_marts_village_proposal_answers), records the loader quarantined, the
-- latest forum date, and the data-update score and rank (weights: seeds/villages/data_update_score_weights.csv).
-- One row per region (region_level village or regency) of the provinces the registries cover, so a village that
-- never delivered is listed too (and scores zero). The published marts (village_proposal_counts,
-- village_data_update_scorecard, regency_data_update_scorecard) select from here and withhold small cells.
--
-- The reference date is the latest delivery vintage the loader recorded (audit.source_loads; from file names, so
-- the same on every run of the same files), else the latest forum date. A registry file covers the whole province,
-- and the loader's quarantine keeps no region code, so the registries' delivery age is one figure per province
-- (shown on every regency) and only the Musdes records' quarantine can be placed in a village or regency.
with

answers as (
    select * from {{ ref('int_marts_village_proposal_answers') }}
),

provinces as (
    select distinct province_code from {{ ref('int_marts_families') }}
),

regions as (
    select
        regions.level as region_level,
        regions.region_code,
        regions.province_code,
        regions.regency_code,
        regions.district_code,
        case when regions.level = 'village' then regions.region_code end as village_code
    from {{ ref('ref_regions') }} as regions
    inner join provinces on regions.province_code = provinces.province_code
    where regions.level in ('village', 'regency')
),

loads as (
    select
        max(vintage) as latest_vintage,
        max(vintage) filter (where source in (
            {%- for registry in registries() %}
            '{{ registry.person_table }}', '{{ registry.household_table }}'{{ ',' if not loop.last }}
            {%- endfor %})) as registries_latest_vintage
    from {{ source('audit', 'source_loads') }}
),

reference as (
    select
        coalesce(loads.latest_vintage, (select max(forum_on) from answers)) as reference_date,
        loads.registries_latest_vintage
    from loads
),

weights as (
    select
        max(weight) filter (where component = 'recency') as recency,
        max(scale_days) filter (where component = 'recency') as recency_scale_days,
        max(weight) filter (where component = 'answered') as answered,
        max(weight) filter (where component = 'clean_delivery') as clean_delivery
    from {{ ref('data_update_score_weights') }}
),

tallies as (
    -- Villages and regencies in one pass: a quarantined record whose village code names no village still counts for
    -- the regency its code starts with.
    select
        case when grouping(village_code) = 0 then 'village' else 'regency' end as region_level,
        coalesce(village_code, regency_code) as region_code,
        count(*) as proposals_received,
        count(*) filter (where answer = 'accepted') as accepted,
        count(*) filter (where answer = 'rejected') as rejected,
        count(*) filter (where answer = 'awaiting_verification') as awaiting_verification,
        count(*) filter (where quarantined) as records_quarantined,
        max(forum_on) as latest_proposal_on
    from answers
    where regency_code is not null
    group by grouping sets ((regency_code), (regency_code, village_code))
    having grouping(village_code) = 1 or village_code is not null
),

measured as (
    select
        regions.*,
        reference.reference_date,
        reference.registries_latest_vintage,
        coalesce(tallies.proposals_received, 0) as proposals_received,
        coalesce(tallies.accepted, 0) as accepted,
        coalesce(tallies.rejected, 0) as rejected,
        coalesce(tallies.awaiting_verification, 0) as awaiting_verification,
        coalesce(tallies.records_quarantined, 0) as records_quarantined,
        tallies.latest_proposal_on,
        {{ dbt.datediff('tallies.latest_proposal_on', 'reference.reference_date', 'day') }} as days_since_latest_proposal,
        {{ dbt.datediff('reference.registries_latest_vintage', 'reference.reference_date', 'day') }}
            as days_since_registry_delivery,
        -- Each component is a share from 0 to 1; a region that delivered nothing earns none.
        case
            when tallies.latest_proposal_on is null then 0.0
            else greatest(0.0, 1.0 - {{ dbt.datediff('tallies.latest_proposal_on', 'reference.reference_date', 'day') }}
                / weights.recency_scale_days)
        end as recency_credit,
        coalesce((tallies.accepted + tallies.rejected) / nullif(tallies.proposals_received, 0), 0.0)
            as answered_credit,
        coalesce(1.0 - tallies.records_quarantined / nullif(tallies.proposals_received, 0), 0.0)
            as clean_delivery_credit
    from regions
    cross join reference
    cross join weights
    left join tallies on regions.region_level = tallies.region_level and regions.region_code = tallies.region_code
),

village_recency as (
    -- A regency's recency is its villages' mean: one forum in one village does not make a regency current.
    select regency_code, avg(recency_credit) as recency_credit
    from measured
    where region_level = 'village'
    group by regency_code
),

scored as (
    select
        measured.* replace (
            case when measured.region_level = 'regency' then coalesce(village_recency.recency_credit, 0.0)
                else measured.recency_credit end as recency_credit
        )
    from measured
    left join village_recency
        on measured.region_level = 'regency' and measured.regency_code = village_recency.regency_code
),

final as (
    select
        scored.region_level,
        scored.region_code,
        scored.province_code,
        scored.regency_code,
        scored.district_code,
        scored.village_code,
        scored.reference_date,
        scored.latest_proposal_on,
        scored.days_since_latest_proposal,
        scored.registries_latest_vintage,
        scored.days_since_registry_delivery,
        scored.proposals_received,
        scored.accepted,
        scored.rejected,
        scored.awaiting_verification,
        scored.accepted + scored.rejected as proposals_answered,
        scored.records_quarantined,
        scored.recency_credit,
        scored.answered_credit,
        scored.clean_delivery_credit,
        round(100 * (weights.recency * scored.recency_credit + weights.answered * scored.answered_credit
            + weights.clean_delivery * scored.clean_delivery_credit)
            / (weights.recency + weights.answered + weights.clean_delivery), 1) as score
    from scored
    cross join weights
)

select
    *,
    -- Villages rank within their regency, regencies within the province; ties share a rank.
    rank() over (
        partition by region_level, case when region_level = 'village' then regency_code else province_code end
        order by score desc
    ) as rank
from final
