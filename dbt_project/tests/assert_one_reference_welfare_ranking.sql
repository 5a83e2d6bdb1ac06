-- Exactly one welfare ranking is the reference for eligibility (int_welfare_rankings cross-joins it).
{{ config(meta={'dagster': {'ref': {'name': 'welfare_rankings'}}}) }}
select count(*) as reference_rankings
from {{ ref('welfare_rankings') }}
where is_reference
having count(*) <> 1
