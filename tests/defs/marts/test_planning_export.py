"""The planning tables and their per-regency export (`sepakat export --table`): the RKPD/RPJMD and RAD SPM table
takes its baseline from the first published run when the history has one, a regency's file holds only its rows,
the XLSX equals the CSV, and a table that is not publishable is refused (and logged: tests/defs/marts/test_export.py
checks the one export log of both kinds)."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from sepakat_dagster.access.export_log import EXPORT_LOG
from sepakat_dagster.cli import main
from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE
from sepakat_dagster.defs.marts.export import ExportError
from sepakat_dagster.defs.marts.planning_export import export_planning_table
from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.defs.marts.helpers import PSEUDONYM_KEY, Pipeline

TABLE = "spm_planning_targets"


def _a_regency(pipeline: Pipeline) -> str:
    return pipeline.scalar(f"select min(regency_code) from marts.{TABLE} where regency_code is not null")


def test_a_regency_export_holds_only_its_rows(pipeline: Pipeline, tmp_path: Path):
    regency = _a_regency(pipeline)
    result = export_planning_table(pipeline.warehouse, TABLE, regency, tmp_path)
    with result.path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = pipeline.scalar(f"select count(*) from marts.{TABLE} where regency_code = ?", [regency])
    assert len(rows) == result.rows == expected > 0
    assert {row["regency_code"] for row in rows} == {regency}
    assert {row["region_level"] for row in rows} == {"regency"}


def _same(csv_value: str, xlsx_value: object) -> bool:
    if xlsx_value is None:
        return csv_value == ""
    if isinstance(xlsx_value, bool):
        return csv_value == str(xlsx_value).lower()
    if isinstance(xlsx_value, int | float):
        return float(csv_value) == pytest.approx(float(xlsx_value))
    return csv_value == str(xlsx_value)


def test_the_xlsx_opens_and_equals_the_csv(pipeline: Pipeline, tmp_path: Path):
    regency = _a_regency(pipeline)
    for table in (TABLE, "rad_pd_disability_by_sex"):
        as_csv = export_planning_table(pipeline.warehouse, table, regency, tmp_path, "csv")
        as_xlsx = export_planning_table(pipeline.warehouse, table, regency, tmp_path, "xlsx")
        with as_csv.path.open(encoding="utf-8", newline="") as handle:
            csv_rows = list(csv.reader(handle))
        sheet = load_workbook(as_xlsx.path).active
        xlsx_rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert xlsx_rows[0] == csv_rows[0]
        assert len(xlsx_rows) == len(csv_rows) == as_csv.rows + 1 > 1
        for csv_row, xlsx_row in zip(csv_rows[1:], xlsx_rows[1:], strict=True):
            assert all(_same(c, x) for c, x in zip(csv_row, xlsx_row, strict=True)), (table, csv_row, xlsx_row)


def test_a_table_that_is_not_publishable_is_refused(pipeline: Pipeline, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("SEPAKAT_EXPORTS", str(tmp_path / "logged"))
    regency = _a_regency(pipeline)
    for table in ("budget_reallocation", "targeting_list", "spm_indicators"):
        with pytest.raises(ExportError, match="not a publishable table"):
            export_planning_table(pipeline.warehouse, table, regency, tmp_path)
    with pytest.raises(ExportError, match="unknown regency"):
        export_planning_table(pipeline.warehouse, TABLE, "9999", tmp_path)
    assert main(["export", "--table", "budget_reallocation", "--regency", regency, "--out", str(tmp_path),
                 "--warehouse", str(pipeline.warehouse)]) == 2
    assert not list(tmp_path.glob("budget_reallocation*"))
    assert '"outcome": "refused"' in (tmp_path / "logged" / EXPORT_LOG).read_text(encoding="utf-8")
    assert main(["export", "--table", TABLE, "--regency", regency, "--format", "xlsx", "--out", str(tmp_path),
                 "--warehouse", str(pipeline.warehouse)]) == 0
    assert (tmp_path / f"{TABLE}_{regency}.xlsx").exists()
    assert "publishable" in capsys.readouterr().out


def test_the_baseline_is_the_first_published_run(pipeline: Pipeline, tmp_path: Path):
    # Without history (the session's single run) the baseline is this run's value, in the as_of_date year.
    assert pipeline.query(f"""
        select distinct baseline_from from marts.{TABLE} where not suppressed
    """) == [("this_run",)]
    assert pipeline.scalar(f"""
        select count(*) from marts.{TABLE}
        where not suppressed and baseline_value_pct is distinct from latest_value_pct
    """) == 0
    # With two published runs in the history (and an older run never published), the earlier published one is the
    # baseline.
    copy = pipeline.copy_warehouse(tmp_path / "wh")
    region, indicator = pipeline.query(f"""
        select region_code, indicator_code from marts.{TABLE}
        where region_level = 'regency' and not suppressed order by all limit 1
    """)[0]
    cell = f"region_level=regency | region_code={region} | indicator_code={indicator} | " \
        "disaggregation=total | disaggregation_value=all"
    with duckdb.connect(str(copy)) as con:
        con.execute("""
            create schema if not exists history;
            create or replace table history.runs (run_id varchar, snapshot_at timestamp, published_at timestamp,
                                                  deliveries varchar);
            create or replace table history.mart_cells (run_id varchar, mart varchar, cell varchar, measure varchar,
                                                        value double);
            insert into history.runs values ('first', '2023-01-02', '2023-01-02', '[]'),
                                            ('second', '2024-01-02', '2024-01-02', '[]'),
                                            ('unpublished', '2022-01-02', null, '[]');
        """)
        con.execute("insert into history.mart_cells values "
                    "('first', 'spm_indicators_published', ?, 'achievement_pct', 12.5), "
                    "('second', 'spm_indicators_published', ?, 'achievement_pct', 40.0), "
                    "('unpublished', 'spm_indicators_published', ?, 'achievement_pct', 99.0)", [cell, cell, cell])
    env = {**os.environ, "SEPAKAT_WAREHOUSE": str(copy), "SEPAKAT_PSEUDONYM_KEY": PSEUDONYM_KEY,
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    completed = subprocess.run(
        [str(DBT_EXECUTABLE), "run", "--select", TABLE, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
         str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    with duckdb.connect(str(copy), read_only=True) as con:
        rows = con.execute(f"""
            select region_code = ? and indicator_code = ?, baseline_from, baseline_year, baseline_value_pct
            from marts.{TABLE} where region_level = 'regency' and not suppressed
        """, [region, indicator]).fetchall()
    assert [row[1:] for row in rows if row[0]] == [("first_published_run", 2023, 12.5)]
    # Cells no published run holds take this run's value as their baseline.
    assert {row[1] for row in rows if not row[0]} == {"this_run"}
