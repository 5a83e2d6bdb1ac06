"""The targeting flags back to the provinces: after the national warehouse is published, each province's flagged
records are written to that province's landing folder as one more delivery (the catalogue source
`settings.FLAGS_SOURCE`), which its next refresh loads like any registry's file (docs/national.md).

Why a file in the landing folder rather than the province reading the national warehouse: provinces refresh
independently, possibly on other machines, and a refresh must not depend on the national warehouse being
reachable or being written at that moment. The file is the contract between the two, loaded, validated,
quarantined, counted and lineaged like every delivery.

Convergence: the file is written only when its bytes differ from the province's newest delivery of the source
(the same rows in the same order give the same bytes), so a national pass that finds nothing new writes nothing,
the new-delivery sensor starts nothing, and the loop pass -> delivery -> refresh -> pass ends after one turn. The
rows hold registry record keys (source table, record id), which a province's refresh does not change, never a
linked person's id, which it may.

Restricted data like a by-name list (record ids), never a NIK, name or address; one row per flagged record, read
in SQL and written by DuckDB, so a province of 5.5 million persons never passes through Python.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from sepakat_dagster.defs.national.cluster import PERSON_KEYS
from sepakat_dagster.defs.national.nik_index import PERSON_RECORDS
from sepakat_dagster.defs.national.settings import FLAG_LISTED_ELSEWHERE, FLAGS_SOURCE
from sepakat_dagster.defs.national.targeting import TARGETING_FLAGS
from sepakat_dagster.defs.sources.catalog import Source, load_catalog
from sepakat_dagster.defs.sources.loader import UnusableFileError, find_landed_file
from sepakat_dagster.defs.sources.records import sql_literal

WRITTEN, UNCHANGED, NO_LANDING = "written", "unchanged", "no landing folder"

def _rows(province: str) -> str:
    """Every record of a `province` person flagged as listed elsewhere, by its registry key, in one fixed order: the
    province's refresh finds the person from any of them, whatever id its own linkage gives the person."""
    return f"""
        select records.source_table, records.record_id, flags.residence_province, flags.targeting_role
        from {TARGETING_FLAGS} as flags
        join {PERSON_RECORDS} as records using (province_code, person_id)
        where flags.province_code = {sql_literal(province)} and flags.targeting_role = '{FLAG_LISTED_ELSEWHERE}'
        order by records.source_table, records.record_id
    """


@dataclass(frozen=True)
class Delivery:
    province: str
    outcome: str  # WRITTEN, UNCHANGED or NO_LANDING
    rows: int
    file_name: str | None = None  # relative to the landing folder


def source() -> Source:
    return load_catalog()[FLAGS_SOURCE]


def _file_name(current_vintage: date | None, today: date) -> str:
    """The delivery's path in the landing folder: the catalogue's pattern with the day written (never older than the
    delivery it replaces, so it is the one the loader picks)."""
    day = max(today, current_vintage or today)
    return source().path.replace("*", day.strftime("%Y%m%d"))


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def deliver(con: duckdb.DuckDBPyConnection, province: str, landing: Path | None, today: date) -> Delivery:
    """Write `province`'s flags into `landing` when they differ from its newest delivery of them. `con` reads the
    published national warehouse. No landing folder (a province served elsewhere, not mounted here): nothing."""
    if landing is None or not landing.is_dir():
        return Delivery(province, NO_LANDING, 0)
    try:
        current = find_landed_file(source(), landing)
    except UnusableFileError:
        current = None
    target = landing / _file_name(current.vintage if current else None, today)
    partial = landing / f".{FLAGS_SOURCE}.partial"  # matches no pattern of the catalogue
    (rows,) = con.execute(f"copy ({_rows(province)}) to {sql_literal(str(partial))} "
                          "(format csv, header true, delimiter ',')").fetchone()  # COPY returns its row count
    unchanged = _digest(partial) == _digest(current.path) if current else rows == 0
    if unchanged:  # the same flags (or none, never delivered): the province has nothing new to load
        partial.unlink()
        return Delivery(province, UNCHANGED, rows, current.name if current else None)
    target.parent.mkdir(exist_ok=True)
    os.replace(partial, target)  # atomic: a refresh reads the old delivery or the new one, never half of one
    return Delivery(province, WRITTEN, rows, target.relative_to(landing).as_posix())


def provinces(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The provinces in the published national warehouse: each gets its flags, an empty file included when its
    last flags are gone."""
    return [row[0] for row in con.execute(f"select distinct province_code from {PERSON_KEYS} order by 1").fetchall()]

