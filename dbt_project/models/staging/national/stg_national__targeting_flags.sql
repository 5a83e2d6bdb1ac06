-- The national pass's flags for this province (docs/national.md, "Cross-province duplicates on the targeting
-- lists"): one row per registry record of a person found in several provinces, with the province of the person's
-- current residence and the record's role there. The record is named as the harmonisation names it
-- (person_record_key, '<source table>:<record id>'), which stays the same across refreshes, unlike a linked
-- person's id.
with

source as (
    select * from {{ source('national', 'national_targeting_flags') }}
),

final as (
    select
        source_table || ':' || record_id as person_record_key,
        source_table,
        record_id,
        residence_province,
        targeting_role,
        {{ staging_lineage() }}
    from source
)

select * from final
