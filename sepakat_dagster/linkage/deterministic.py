"""The deterministic pass: records that share a trusted NIK are the same person, when nothing contradicts it.

A NIK is trusted when it is valid (16 digits, a known regency, a real birth date, serial not 0000) and agrees
with the record's own sex and birth date (`nik_is_consistent`). Records sharing a trusted NIK form a group; the
group is unambiguous when every pair in it has compatible names (similar, reordered, or shortened with
initials). Unambiguous groups are linked here and get a `deterministic_group`; everything else — missing,
invalid or inconsistent NIKs, and groups whose names disagree (a mistyped NIK that hit another person's) — is
left to Splink, which also scores records of a group against records outside it.

The pass runs on the contract relation before the records are prepared (records.prepare joins its groups in the
same pass that derives the other columns): adding the group to a province's prepared records afterwards meant
writing ten million rows a second time.
"""

from __future__ import annotations

import duckdb

from sepakat_dagster.linkage.settings import tokens_contained_sql

NIK_GROUPS = "nik_groups"  # nik, unambiguous: every NIK shared by more than one trusted record
DETERMINISTIC_PAIRS = "deterministic_pairs"
NIK_METHOD = "nik"  # the `method` of the links this pass makes, in linkage.person_links

# A trusted NIK, over the contract columns (the prepared records keep it as `nik_is_consistent`).
NIK_IS_CONSISTENT_SQL = (
    "coalesce(nik_is_valid, false) and not coalesce(sex_disagrees_with_nik, false)"
    " and not coalesce(birth_date_disagrees_with_nik, false)"
)


def names_compatible_sql(left: str = "l", right: str = "r") -> str:
    """Names that could belong to one person despite typos, reordering, titles or a shortened form: similar,
    one within the other (initials allowed), or the same last name and first initial ("M G LAKA", "MARIA LAKA").
    Lenient on purpose: the NIK, birth date and sex already agree; this only keeps apart different people."""
    return (
        f"coalesce(jaro_winkler_similarity({left}.name_normalised, {right}.name_normalised) >= 0.85"
        f" or jaro_winkler_similarity({left}.name_tokens_sorted, {right}.name_tokens_sorted) >= 0.85"
        f" or (left({left}.name_normalised, 1) = left({right}.name_normalised, 1)"
        f" and {left}.name_tokens[-1] = {right}.name_tokens[-1] and len({left}.name_tokens) > 1)"
        f" or {tokens_contained_sql(f'{left}.name_tokens', f'{right}.name_tokens')}"
        f" or {tokens_contained_sql(f'{right}.name_tokens', f'{left}.name_tokens')}, false)"
    )


def link_on_nik(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, int]:
    """The pass over `source` (a relation with the contract columns): `nik_groups` for the prepared records and
    the linked pairs in `deterministic_pairs` (person_record_key_l < person_record_key_r, with their registries).

    Returns counts: trusted records, groups linked, groups left to Splink as ambiguous, pairs linked.
    """
    # Only what the join needs, and only NIKs held by more than one trusted record: a province's records joined
    # whole would carry every column through the hash table.
    con.execute(f"""
        create or replace table nik_trusted as
        select person_record_key, registry, nik, name_normalised, name_tokens_sorted
        from {source}
        where {NIK_IS_CONSISTENT_SQL}
    """)
    con.execute("""
        create or replace table nik_shared as
        select *, string_split(name_normalised, ' ') as name_tokens
        from nik_trusted
        where nik in (select nik from nik_trusted group by nik having count(*) > 1)
    """)
    con.execute(f"""
        create or replace table nik_candidate_pairs as
        select l.person_record_key as person_record_key_l, r.person_record_key as person_record_key_r,
            l.registry as registry_l, r.registry as registry_r, l.nik, {names_compatible_sql()} as compatible
        from nik_shared as l
        join nik_shared as r on l.nik = r.nik and l.person_record_key < r.person_record_key
    """)
    con.execute(f"""
        create or replace table {NIK_GROUPS} as
        select nik, bool_and(compatible) as unambiguous
        from nik_candidate_pairs
        group by nik
    """)
    con.execute(f"""
        create or replace table {DETERMINISTIC_PAIRS} as
        select pairs.person_record_key_l, pairs.person_record_key_r, pairs.registry_l, pairs.registry_r
        from nik_candidate_pairs as pairs
        join {NIK_GROUPS} as groups on pairs.nik = groups.nik and groups.unambiguous
    """)
    rows = con.execute(f"""
        select
            (select count(*) from nik_trusted),
            (select count(*) from {NIK_GROUPS} where unambiguous),
            (select count(*) from {NIK_GROUPS} where not unambiguous),
            (select count(*) from {DETERMINISTIC_PAIRS})
    """).fetchall()
    for table in ("nik_trusted", "nik_shared", "nik_candidate_pairs"):
        con.execute(f"drop table {table}")
    trusted, linked, ambiguous, pairs = rows[0]
    return {"trusted_nik_records": trusted, "nik_groups_linked": linked, "nik_groups_ambiguous": ambiguous,
            "deterministic_pairs": pairs}


GROUPED_RECORDS = "grouped_records"


def groups_from_links(con: duckdb.DuckDBPyConnection, records: str, links: str) -> str:
    """A view of the prepared `records` with their `deterministic_group` recovered from stored links (`links` with
    person_record_key_l, person_record_key_r and method), without repeating the pass; returns its name.

    The pass gives a record a group exactly when it links it to another record on their shared NIK, so a stage
    after the scoring (the evaluation's blocking recall) recovers the groups from the NIK links in one join instead
    of comparing the names of every NIK group again, which costs minutes in a province. A view, not a new table:
    rewriting a province's prepared records to add one column took longer than the join itself.
    """
    con.execute(f"""
        create or replace table nik_linked as
        select person_record_key_l as person_record_key from {links} where method = '{NIK_METHOD}'
        union
        select person_record_key_r from {links} where method = '{NIK_METHOD}'
    """)
    con.execute(f"""
        create or replace view {GROUPED_RECORDS} as
        select records.* replace (
            case when nik_linked.person_record_key is not null then records.nik end as deterministic_group)
        from {records} as records
        left join nik_linked on records.person_record_key = nik_linked.person_record_key
    """)
    return GROUPED_RECORDS
