"""Per-regency exports of the publishable planning tables (the RKPD/RPJMD indicator table and RAD SPM annex
`spm_planning_targets`, the RAD PD table `rad_pd_disability_by_sex`, ...) as CSV or XLSX, for a regency's planning
office (Bappeda) to paste into its plan's annexes.

Only a table dbt declares publishable (defs/marts/disclosure.py) may leave: its small cells are already suppressed
in SQL. A regency receives its own rows only (its regency row and, where the table has them, its districts'), never
the province's or another regency's. `sepakat export` logs each one in the export log (sepakat_dagster/access/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
from openpyxl import Workbook

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.marts.disclosure import publishable_tables
from sepakat_dagster.defs.marts.export import ExportError, known_regencies

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class PlanningExport:
    path: Path
    table: str
    regency_code: str
    rows: int
    columns: tuple[str, ...]


def export_planning_table(warehouse: Path | str, table: str, regency_code: str, out_dir: Path | str,
                          file_format: str = "csv") -> PlanningExport:
    """Write one regency's rows of a publishable table to `<out_dir>/<table>_<regency>.<format>`.

    Refused with ExportError: a table that is not publishable (or has no regency column), an unknown regency, an
    unknown format, a missing warehouse or table."""
    if file_format not in FORMATS:
        raise ExportError(f"unknown format {file_format!r}: choose {' or '.join(FORMATS)}")
    publishable = {t.name: t for t in publishable_tables()}
    if table not in publishable:
        raise ExportError(f"{table!r} is not a publishable table: choose one of {', '.join(sorted(publishable))}")
    path = Path(warehouse)
    if not path.exists():
        raise ExportError(f"no warehouse at {path}: run `make demo` (or the refresh job) first")
    with duckdb_limits.connect(path, read_only=True) as con:
        data = _regency_rows(con, publishable[table].relation, regency_code)
    out = Path(out_dir) / f"{table}_{regency_code.strip()}.{file_format}"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    if file_format == "csv":
        pa_csv.write_csv(data, partial)
    else:
        _write_xlsx(data, partial, sheet=table)
    partial.replace(out)  # a reader never sees half a file
    return PlanningExport(out, table, regency_code.strip(), data.num_rows, tuple(data.column_names))


def _regency_rows(con: duckdb.DuckDBPyConnection, relation: str, regency_code: str) -> pa.Table:
    schema, name = relation.split(".")
    columns = [row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [schema, name]).fetchall()]
    if not columns:
        raise ExportError(f"the warehouse has no {relation}: build the marts first")
    if "regency_code" not in columns:
        raise ExportError(f"{relation} has no regency_code: it cannot be split by regency")
    code = regency_code.strip().replace(".", "")
    if not re.fullmatch(r"[0-9]{4}", code) or code not in known_regencies(con):
        raise ExportError(f"unknown regency {regency_code!r}: give a 4-digit Kemendagri regency code "
                          "(reference.ref_regions, e.g. 5371 for Kota Kupang)")
    return con.sql(f"select * from {relation} where regency_code = $regency order by all",
                   params={"regency": code}).to_arrow_table()


def _write_xlsx(data: pa.Table, path: Path, sheet: str) -> None:
    """One sheet: the header, then the rows as typed cells (numbers stay numbers; an empty cell is NULL)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])  # Excel's limit on a sheet name
    worksheet.append(data.column_names)
    for row in data.to_pylist():
        worksheet.append([_cell(value) for value in row.values()])
    with path.open("wb") as handle:
        workbook.save(handle)


def _cell(value: object) -> object:
    """A value openpyxl writes as is; lists (none in the planning tables today) as their text."""
    return ", ".join(map(str, value)) if isinstance(value, list) else value

