"""The national NIK index: every province's person records in one table, and every valid NIK with the provinces
and province persons it appears under. The same NIK in two provinces with agreeing identities is one human (a
cross-province link); with disagreeing identities it is one NIK used by different people (a conflict).

All of it is SQL in the national candidate warehouse, the provinces attached read-only: a province of 5.5
million persons is 9.6 million records and the nation about 440 million, so nothing is pulled into Python.
"""

from __future__ import annotations

import re

import duckdb

from sepakat_dagster.defs.linkage.records import scalar
from sepakat_dagster.defs.national.inputs import union_all
from sepakat_dagster.defs.national.settings import IDENTITY_FIELDS, REPRESENTATIVE_ORDER

PERSON_RECORDS = "national.person_records"
NIK_HOLDERS = "national.nik_holders"
NIK_PAIRS = "national.nik_pairs"
NIK_INDEX = "national.nik_index"
NIK_CONFLICTS = "national.nik_conflicts"

# One province's records with their province person (the province linkage's cluster) and what the national pass
# compares. nik_is_consistent is the province linkage's own rule (records.py): valid and agreeing with the
# record's sex and birth date.
_PROVINCE_RECORDS = """
    select
        '{province}' as province_code,
        clusters.person_id,
        persons.person_record_key,
        persons.registry,
        persons.source_table,
        persons.record_id,
        persons.nik,
        coalesce(persons.nik_is_valid, false) as nik_is_valid,
        coalesce(persons.nik_is_valid, false)
            and not coalesce(persons.sex_disagrees_with_nik, false)
            and not coalesce(persons.birth_date_disagrees_with_nik, false) as nik_is_consistent,
        persons.nik_birth_date,
        persons.name_normalised,
        persons.name_tokens_sorted,
        persons.first_name,
        persons.last_name,
        persons.sex,
        persons.birth_date,
        persons.district_code,
        persons.regency_code,
        persons.record_date
    from {catalog}.intermediate.int_persons as persons
    join {catalog}.linkage.person_clusters as clusters using (person_record_key)
"""


def read_columns() -> dict[str, set[str]]:
    """The columns `_PROVINCE_RECORDS` reads, per province table."""
    read: dict[str, set[str]] = {"int_persons": set(), "person_clusters": {"person_id", "person_record_key"}}
    for alias, table in (("persons", "int_persons"), ("clusters", "person_clusters")):
        read[table] |= set(re.findall(rf"\b{alias}\.(\w+)", _PROVINCE_RECORDS))
    return read


def missing_columns(con: duckdb.DuckDBPyConnection, catalogs: dict[str, str]) -> dict[str, list[str]]:
    """Per attached province, the columns the pass reads that its warehouse lacks (empty when every one fits)."""
    missing = {}
    for code, catalog in catalogs.items():
        for table, columns in read_columns().items():
            present = {row[0] for row in con.execute(
                "select column_name from information_schema.columns where table_catalog = ? and table_name = ?",
                [catalog, table]).fetchall()}
            if columns - present:
                missing.setdefault(code, []).extend(f"{table}.{c}" for c in sorted(columns - present))
    return missing


def copy_records(con: duckdb.DuckDBPyConnection, catalogs: dict[str, str]) -> int:
    """`national.person_records` from every attached province; returns its rows. Refuses a province warehouse that
    lacks a column the pass reads (published by an older pipeline), naming the province and the columns."""
    missing = missing_columns(con, catalogs)
    if missing:
        raise ValueError("Province warehouses lack columns the national pass reads; refresh them with the current "
                         "pipeline: " + "; ".join(f"{code}: {', '.join(cols)}" for code, cols in missing.items()))
    con.execute("create schema if not exists national")
    con.execute(f"create or replace table {PERSON_RECORDS} as {union_all(catalogs, _PROVINCE_RECORDS)}")
    return scalar(con, f"select count(*) from {PERSON_RECORDS}")


def _agreement(field: str) -> str:
    return f"coalesce({IDENTITY_FIELDS[field]}, false)"


def build(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The index, the cross-province NIK pairs and the conflicts, from `national.person_records`. Counts only."""
    # One representative record per (NIK, province person): the identity that person shows under that NIK.
    con.execute(f"""
        create or replace table {NIK_HOLDERS} as
        select * exclude (holder_rank) from (
            select nik, province_code, person_id, name_normalised, name_tokens_sorted, sex, birth_date,
                row_number() over (partition by nik, province_code, person_id
                                   order by nik_is_consistent desc, {REPRESENTATIVE_ORDER}) as holder_rank
            from {PERSON_RECORDS}
            where nik_is_valid
        )
        where holder_rank = 1
    """)
    agrees = " and ".join(_agreement(field) for field in IDENTITY_FIELDS)
    disagreeing = ", ".join(f"case when not {_agreement(field)} then '{field}' end" for field in IDENTITY_FIELDS)
    # Only NIKs held in two provinces or more are paired: a semi-join first, so the self-join sees few rows.
    con.execute(f"""
        create or replace table {NIK_PAIRS} as
        with shared as (
            select nik from {NIK_HOLDERS} group by nik having count(distinct province_code) > 1
        ),
        holders as (
            select * from {NIK_HOLDERS} where nik in (select nik from shared)
        )
        select
            l.nik,
            l.province_code as province_l, l.person_id as person_id_l,
            r.province_code as province_r, r.person_id as person_id_r,
            {agrees} as identity_agrees,
            list_filter([{disagreeing}], lambda f: f is not null) as disagreeing_fields
        from holders as l
        join holders as r on l.nik = r.nik and l.province_code < r.province_code
    """)
    con.execute(f"""
        create or replace table {NIK_CONFLICTS} as
        select nik, province_l, person_id_l, province_r, person_id_r, disagreeing_fields
        from {NIK_PAIRS} where not identity_agrees
        order by nik, province_l, person_id_l, province_r, person_id_r
    """)
    con.execute(f"""
        create or replace table {NIK_INDEX} as
        select
            holders.nik,
            holders.province_code,
            holders.person_id,
            count(distinct holders.province_code) over (partition by holders.nik) as provinces,
            case
                when holders.nik in (select nik from {NIK_CONFLICTS}) then 'conflict'
                when count(distinct holders.province_code) over (partition by holders.nik) > 1 then 'linked'
                else 'single_province'
            end as status
        from {NIK_HOLDERS} as holders
    """)
    con.execute(f"drop table {NIK_HOLDERS}")
    (niks, shared, links, conflicts, conflict_niks) = con.execute(f"""
        select
            (select count(distinct nik) from {NIK_INDEX}),
            (select count(distinct nik) from {NIK_INDEX} where provinces > 1),
            (select count(*) from {NIK_PAIRS} where identity_agrees),
            (select count(*) from {NIK_CONFLICTS}),
            (select count(distinct nik) from {NIK_CONFLICTS})
    """).fetchone()
    return {"valid_niks": niks, "niks_in_several_provinces": shared, "nik_links": links,
            "nik_conflict_pairs": conflicts, "niks_in_conflict": conflict_niks}
