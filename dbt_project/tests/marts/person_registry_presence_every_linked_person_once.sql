-- The mart has one row per person of the linkage's clusters: returns the two counts when they differ (counts only,
-- no person).
with

counts as (
    select
        (select count(*) from {{ ref('person_registry_presence') }}) as presence,
        (select count(distinct person_id) from {{ source('linkage', 'person_clusters') }}) as linked
)

select 'persons' as what, presence, linked
from counts
where presence <> linked
