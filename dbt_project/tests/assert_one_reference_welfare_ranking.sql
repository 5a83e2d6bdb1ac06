-- Exactly one welfare ranking is the reference for eligibility (int_welfare_rankings cross-joins it).
{{ config(meta={
    'dagster': {'ref': {'name': 'welfare_rankings'}},
    'invariant': true,
    'why': 'welfare_rankings is a seed the forum agreed, versioned with the code: two or no reference rankings is a '
        ~ 'mistake in a reviewed CSV, not data, and every eligibility rule would be wrong or empty.',
}) }}
select count(*) as reference_rankings
from {{ ref('welfare_rankings') }}
where is_reference
having count(*) <> 1
