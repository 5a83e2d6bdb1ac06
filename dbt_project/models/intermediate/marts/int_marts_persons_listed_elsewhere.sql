-- The persons of this province whom another province lists (docs/national.md, "Cross-province duplicates on the
-- targeting lists"): a linked person holding any record the national pass flagged with a role that does not list
-- the person here (seeds/marts/national_targeting_roles.csv). The flags name records, not linked persons, so a
-- person is found whatever id this refresh's linkage gives it. Empty when no flags were delivered.
with

roles as (
    select targeting_role from {{ ref('national_targeting_roles') }}
    where not listed_here
),

flags as (
    select person_record_key, residence_province from {{ ref('stg_national__targeting_flags') }}
    where targeting_role in (select targeting_role from roles)
),

clusters as (
    select person_record_key, person_id from {{ source('linkage', 'person_clusters') }}
),

final as (
    -- One residence per human; two only if this province joined records the nation keeps apart: the smaller code,
    -- so that reruns agree.
    select
        clusters.person_id,
        min(flags.residence_province) as residence_province,
        count(*) as records_flagged
    from flags
    inner join clusters on flags.person_record_key = clusters.person_record_key
    group by clusters.person_id
)

select * from final
