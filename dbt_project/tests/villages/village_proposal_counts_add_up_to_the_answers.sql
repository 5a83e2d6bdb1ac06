-- Returns each village whose received proposals differ from accepted + rejected + awaiting, and a row 'all' when the
-- villages' received proposals do not add up to the answers that name a village (before small cells are withheld).
with

villages as (
    select village_code, proposals_received, accepted, rejected, awaiting_verification
    from {{ ref('int_marts_village_data_updates') }}
    where region_level = 'village'
)

select village_code
from villages
where proposals_received <> accepted + rejected + awaiting_verification
union all
select 'all'
where (select sum(proposals_received) from villages)
    <> (select count(*) from {{ ref('int_marts_village_proposal_answers') }} where village_code is not null)
