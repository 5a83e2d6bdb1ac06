-- Returns each staged proposal without exactly one answer, each staged answer without its proposal, and each
-- quarantined Musdes record (file and line) without exactly one answer: no personal value, only ids and lines.
with

staged as (
    select proposal_id from {{ ref('stg_musdes__corrections') }}
),

answered as (
    select proposal_id, count(*) as answers
    from {{ ref('int_marts_village_proposal_answers') }}
    where not quarantined
    group by proposal_id
),

quarantined as (
    select distinct file_name || ':' || line_no as record
    from {{ source('audit', 'quarantine') }}
    where source = 'musdes_usulan'
),

quarantine_answers as (
    select source_file || ':' || source_line as record, count(*) as answers
    from {{ ref('int_marts_village_proposal_answers') }}
    where quarantined
    group by all
)

select coalesce(staged.proposal_id, answered.proposal_id) as record
from staged
full outer join answered on staged.proposal_id = answered.proposal_id
where staged.proposal_id is null or answered.proposal_id is null or answered.answers <> 1
union all
select coalesce(quarantined.record, quarantine_answers.record)
from quarantined
full outer join quarantine_answers on quarantined.record = quarantine_answers.record
where quarantined.record is null or quarantine_answers.record is null or quarantine_answers.answers <> 1
