"""Which province lists a human found in several provinces: the province of current residence lists the person,
the others flag their record as listed elsewhere (settings.RESIDENCE_ORDER, docs/national.md).

The flags are a national table per province person, with the programmes each province's published targeting
list names the person for (so a duplicate listed in two provinces, a second payment, shows); a province's
targeting list applies them in its next refresh, from the delivery deliveries.py writes into its landing folder.
"""

from __future__ import annotations

import duckdb

from sepakat_dagster.defs.national.cluster import PERSON_KEYS
from sepakat_dagster.defs.national.inputs import union_all
from sepakat_dagster.defs.national.nik_index import PERSON_RECORDS
from sepakat_dagster.defs.national.settings import FLAG_LISTED_ELSEWHERE, LIST_HERE, RESIDENCE_ORDER

TARGETING_FLAGS = "national.targeting_flags"
FLAG_COUNTS = "national.targeting_flag_counts"


# A province person's programmes on its province's targeting list: the list names persons by their pseudonymous
# key, which int_marts_persons gives each linkage person.
_LISTED = """
    select '{province}' as province_code, persons.person_id,
        list(distinct listed.program order by listed.program) as programs_listed
    from {catalog}.marts.targeting_list as listed
    join {catalog}.intermediate.int_marts_persons as persons using (person_key)
    group by all
"""


def flag(con: duckdb.DuckDBPyConnection, catalogs: dict[str, str]) -> dict[str, int]:
    """`national.targeting_flags` (every province person of a national person found in several provinces, with
    the residence province, its role and the programmes its province lists it for) and
    `national.targeting_flag_counts` (per province); counts only. `catalogs`: the attached provinces."""
    con.execute(f"""
        create or replace table {TARGETING_FLAGS} as
        with listed as ({union_all(catalogs, _LISTED)}),
        spanning as (
            select province_code, person_id, national_person_key from {PERSON_KEYS} where provinces > 1
        ),
        records as (
            select spanning.national_person_key, records.province_code, records.registry, records.record_date
            from {PERSON_RECORDS} as records
            join spanning using (province_code, person_id)
        ),
        residence as (
            select national_person_key, province_code as residence_province from (
                select national_person_key, province_code,
                    row_number() over (partition by national_person_key order by {RESIDENCE_ORDER}) as rank
                from records
            )
            where rank = 1
        )
        select spanning.province_code, spanning.person_id, spanning.national_person_key,
            residence.residence_province,
            case when spanning.province_code = residence.residence_province then '{LIST_HERE}'
                else '{FLAG_LISTED_ELSEWHERE}' end as targeting_role,
            coalesce(listed.programs_listed, []) as programs_listed
        from spanning
        join residence using (national_person_key)
        left join listed using (province_code, person_id)
        order by national_person_key, province_code, person_id
    """)
    con.execute(f"""
        create or replace table {FLAG_COUNTS} as
        select province_code,
            count(*) filter (where targeting_role = '{LIST_HERE}') as persons_listed_here,
            count(*) filter (where targeting_role = '{FLAG_LISTED_ELSEWHERE}') as persons_flagged_listed_elsewhere,
            count(*) filter (where targeting_role = '{FLAG_LISTED_ELSEWHERE}' and len(programs_listed) > 0)
                as flagged_persons_on_the_targeting_list
        from {TARGETING_FLAGS}
        group by province_code
        order by province_code
    """)
    listed, flagged, on_list = con.execute(f"""
        select count(*) filter (where targeting_role = '{LIST_HERE}'),
            count(*) filter (where targeting_role = '{FLAG_LISTED_ELSEWHERE}'),
            count(*) filter (where targeting_role = '{FLAG_LISTED_ELSEWHERE}' and len(programs_listed) > 0)
        from {TARGETING_FLAGS}
    """).fetchone()
    return {"persons_listed_in_residence_province": listed, "province_persons_flagged_listed_elsewhere": flagged,
            "flagged_persons_on_a_targeting_list": on_list}
