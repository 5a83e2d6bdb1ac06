"""Per-regency exports of the restricted targeting list: a regency receives only its own rows, and only the columns
the dbt contract of marts.targeting_list allows (dbt_project/models/marts/targeting_list.yml)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import yaml

from sepakat_dagster import duckdb_limits
from sepakat_dagster.paths import DBT_PROJECT_DIR

TARGETING_LIST = "marts.targeting_list"
TARGETING_LIST_YML = DBT_PROJECT_DIR / "models" / "marts" / "targeting_list.yml"
FORMATS = (".csv", ".parquet")


class ExportError(ValueError):
    """The export was refused: unknown programme or regency, no targeting list, or an unsupported file type."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    program: str
    regency_code: str
    rows: int
    columns: tuple[str, ...]


@functools.cache
def allowed_columns() -> tuple[str, ...]:
    """The allow-list: the columns of targeting_list's enforced contract, in contract order.

    Read from the model's yml, where the contract is written, not from dbt's manifest: `sepakat export` does not need
    the parsed project (target/manifest.json) that `make` prepares for Dagster."""
    models = yaml.safe_load(TARGETING_LIST_YML.read_text(encoding="utf-8"))["models"]
    (model,) = [m for m in models if m["name"] == "targeting_list"]
    if not model.get("config", {}).get("contract", {}).get("enforced"):
        raise ExportError("the targeting_list contract is not enforced: refusing to export without an allow-list")
    return tuple(column["name"] for column in model["columns"])


def normalise_program(program: str) -> str:
    """'PBI-JK', 'pbi-jk' and 'pbi_jk' all name the programme pbi_jk."""
    return program.strip().lower().replace("-", "_")


def known_programs(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "select distinct program from reference.program_eligibility_rules order by 1").fetchall()]


def known_regencies(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "select region_code from reference.ref_regions where level = 'regency' order by 1").fetchall()]


def _has_targeting_list(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = 'targeting_list'"
    ).fetchone()[0])


# The order of every export file: a regency reads its list district by district, village by village, family by family.
EXPORT_ORDER = "district_code, village_code, household_key, component, person_key"


def sorted_copy(con: duckdb.DuckDBPyConnection, name: str = "targeting_export_rows") -> str:
    """A temporary copy of the targeting list's allowed columns sorted by programme, regency and EXPORT_ORDER;
    returns its name. Writing every programme's and regency's file from it reads each file's rows only (DuckDB
    skips the row groups of other regencies by their min/max), where each file from the mart re-read the whole
    province: 132 files at 5.5 million persons."""
    columns = allowed_columns()
    con.execute(f"""
        create or replace temporary table {name} as
        select {', '.join(columns)} from {TARGETING_LIST}
        order by program, regency_code, {EXPORT_ORDER}
    """)
    return name


def export_targeting_list(warehouse: Path | str | duckdb.DuckDBPyConnection, program: str, regency_code: str,
                          out_path: Path | str, source: str = TARGETING_LIST) -> ExportResult:
    """Write one regency's rows of the programme's targeting list to `out_path` (.csv or .parquet) and say how many.

    `warehouse` is the warehouse file (opened read-only) or an open connection to it; `source` is the targeting
    list itself or, on that connection, its `sorted_copy`. Unknown programmes and regencies are refused with
    ExportError; a known regency without eligible units gets a file with the header only.
    """
    out_path = Path(out_path)
    if out_path.suffix not in FORMATS:
        raise ExportError(f"cannot write {out_path.name}: the export writes {' or '.join(FORMATS)} files")
    if isinstance(warehouse, duckdb.DuckDBPyConnection):
        return _export(warehouse, program, regency_code, out_path, source)
    path = Path(warehouse)
    if not path.exists():
        raise ExportError(f"no warehouse at {path}: run `make demo` (or the refresh job) first")
    with duckdb_limits.connect(path, read_only=True) as con:
        return _export(con, program, regency_code, out_path)


def _export(con: duckdb.DuckDBPyConnection, program: str, regency_code: str, out_path: Path,
            source: str = TARGETING_LIST) -> ExportResult:
    if not _has_targeting_list(con):
        raise ExportError(f"the warehouse has no {TARGETING_LIST}: build the marts first")
    program = normalise_program(program)
    programs = known_programs(con)
    if program not in programs:
        raise ExportError(f"unknown programme {program!r}: choose one of {', '.join(programs)}")
    regency_code = regency_code.strip().replace(".", "")
    if not re.fullmatch(r"[0-9]{4}", regency_code) or regency_code not in known_regencies(con):
        raise ExportError(f"unknown regency {regency_code!r}: give a 4-digit Kemendagri regency code "
                          "(reference.ref_regions, e.g. 5371 for Kota Kupang)")
    columns = allowed_columns()
    table = con.sql(
        f"select {', '.join(columns)} from {source} where program = $program and regency_code = $regency "
        f"order by {EXPORT_ORDER}",
        params={"program": program, "regency": regency_code},
    ).to_arrow_table()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(out_path.name + ".partial")
    if out_path.suffix == ".csv":
        pa_csv.write_csv(table, partial)
    else:
        pq.write_table(table, partial)
    partial.replace(out_path)  # a reader never sees half a file
    return ExportResult(out_path, program, regency_code, table.num_rows, columns)
