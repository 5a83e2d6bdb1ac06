-- NIK -> linked person, for joining sector sources that carry a NIK but are not linked (Dapodik, health records).
-- Every NIK any registry record carries (valid or not: sector sources repeat the same typos less often than they
-- repeat the NIK) points at its person; a NIK held by records of two or more persons is ambiguous and left out,
-- so a sector record is never credited to the wrong person.
with

person_records as (
    select nik, person_id from {{ ref('int_marts_person_records') }} where nik is not null
),

final as (
    select nik, min(person_id) as person_id
    from person_records
    group by nik
    having count(distinct person_id) = 1
)

select * from final
