"""`sepakat export`: a regency receives only its own rows of one programme's targeting list, only the columns of the
enforced contract; unknown programmes and regencies are refused with a clear message; a by-name list needs a role
that may export by name and a scope covering the regency, and every export, written or refused, is one line of the
one export log, without a row or a value."""

from __future__ import annotations

import argparse
import csv
import getpass
import hashlib
import json
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from sepakat_dagster.access.export_log import EXPORT_LOG
from sepakat_dagster.defs.marts.export import ExportError, allowed_columns, export_targeting_list
from sepakat_dagster.defs.marts.export_cli import add_export_command
from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.defs.marts.helpers import Pipeline

PERSONAL_BUT_NOT_ALLOWED = {"nik", "birth_date", "kk_number", "person_id", "family_key", "latitude", "longitude"}


def test_the_allow_list_is_the_enforced_contract_and_the_table(pipeline: Pipeline):
    models = yaml.safe_load((DBT_PROJECT_DIR / "models" / "marts" / "targeting_list.yml").read_text())["models"]
    (model,) = [m for m in models if m["name"] == "targeting_list"]
    assert model["config"]["contract"]["enforced"] is True
    assert allowed_columns() == tuple(c["name"] for c in model["columns"])
    table = [row[0] for row in pipeline.query("select column_name from information_schema.columns where "
                                              "table_schema = 'marts' and table_name = 'targeting_list'")]
    assert set(table) == set(allowed_columns())
    assert not PERSONAL_BUT_NOT_ALLOWED & set(allowed_columns())


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_export_holds_only_its_regency_and_the_allowed_columns(pipeline: Pipeline, tmp_path: Path, suffix):
    regency, others = pipeline.query("""
        select regency_code, (select count(distinct regency_code) from marts.targeting_list where program = 'pkh')
        from marts.targeting_list where program = 'pkh' group by 1 order by count(*) desc limit 1
    """)[0]
    assert others > 1  # other regencies exist whose rows must stay out
    result = export_targeting_list(pipeline.warehouse, "PKH", regency, tmp_path / f"pkh{suffix}")
    expected = pipeline.scalar("select count(*) from marts.targeting_list where program = 'pkh' "
                               "and regency_code = ?", [regency])
    assert result.rows == expected > 0 and result.program == "pkh"
    with duckdb.connect() as con:
        read = f"read_csv('{result.path}', all_varchar = true)" if suffix == ".csv" else f"'{result.path}'"
        columns = [d[0] for d in con.execute(f"select * from {read} limit 0").description]
        values = con.execute(f"select distinct regency_code, program from {read}").fetchall()
        assert con.execute(f"select count(*) from {read}").fetchone()[0] == expected
    assert tuple(columns) == allowed_columns()
    assert values == [(regency, "pkh")]
    if suffix == ".parquet":
        assert pq.read_schema(result.path).names == list(allowed_columns())


def test_unknown_programmes_regencies_and_formats_are_refused(pipeline: Pipeline, tmp_path: Path):
    with pytest.raises(ExportError, match=r"unknown programme 'blt'.*pbi_jk"):
        export_targeting_list(pipeline.warehouse, "BLT", "5301", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="unknown regency '9999'"):
        export_targeting_list(pipeline.warehouse, "pkh", "9999", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="unknown regency '53'"):
        export_targeting_list(pipeline.warehouse, "pkh", "53", tmp_path / "x.csv")  # a province, not a regency
    with pytest.raises(ExportError, match=r"\.csv or \.parquet"):
        export_targeting_list(pipeline.warehouse, "pkh", "5301", tmp_path / "x.xlsx")
    with pytest.raises(ExportError, match="no warehouse"):
        export_targeting_list(tmp_path / "missing" / "warehouse.duckdb", "pkh", "5301", tmp_path / "x.csv")
    assert not list(tmp_path.glob("x.*"))
    # A real regency of another province: refused nowhere, just nothing to hand over.
    empty = export_targeting_list(pipeline.warehouse, "pkh", "7501", tmp_path / "gorontalo.csv")
    assert empty.rows == 0 and empty.path.read_text().startswith('"program"')


@pytest.fixture
def export_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment's roles file (SEPAKAT_ROLES) and exports folder (SEPAKAT_EXPORTS) of the test's own; the log."""
    roles = tmp_path / "roles.yml"
    roles.write_text(yaml.safe_dump({"users": {
        "ani": {"role": "walidata", "scope": "53"},
        "budi": {"role": "opd_sosial", "scope": "5371"},
        "citra": {"role": "pembina_data", "scope": "53"},
    }}), encoding="utf-8")
    monkeypatch.setenv("SEPAKAT_ROLES", str(roles))
    monkeypatch.setenv("SEPAKAT_EXPORTS", str(tmp_path / "exports"))
    return tmp_path / "exports" / EXPORT_LOG


def _export(pipeline: Pipeline, *arguments: str) -> int:
    parser = argparse.ArgumentParser(prog="sepakat")
    add_export_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["export", *arguments, "--warehouse", str(pipeline.warehouse)])
    return args.handler(args)


def _lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_by_name_exports_follow_role_and_scope_and_every_export_is_logged_once(pipeline: Pipeline, export_log,
                                                                              tmp_path: Path, capsys):
    # The province's walidata: any regency of the province.
    assert _export(pipeline, "--program", "pkh", "--regency", "5301", "--user", "ani") == 0
    written = tmp_path / "exports" / "targeting_pkh_5301.csv"
    with written.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Kota Kupang's social office: not another regency's list (exit 2, no file), but publishable tables, no role.
    assert _export(pipeline, "--program", "pkh", "--regency", "5301", "--user", "budi",
                   "--out", str(tmp_path / "budi.csv")) == 2
    assert "scope 5371, which does not cover regency 5301" in capsys.readouterr().err
    assert _export(pipeline, "--program", "pkh", "--regency", "5371", "--user", "citra") == 2
    assert "may not export by name" in capsys.readouterr().err
    assert _export(pipeline, "--table", "spm_planning_targets", "--regency", "5301", "--user", "budi") == 0
    assert not (tmp_path / "budi.csv").exists()

    written_line, *refused, table_line = _lines(export_log)
    assert written_line == {
        "at": written_line["at"], "user": "ani", "os_user": getpass.getuser(), "role": "walidata", "scope": "53",
        "kind": "by_name", "subject": "pkh", "regency": "5301", "rows": len(rows), "file": str(written.resolve()),
        "sha256": hashlib.sha256(written.read_bytes()).hexdigest(), "outcome": "written", "reason": None,
    }
    assert written_line["at"].endswith("+00:00") and len(rows) > 0
    assert [(line["user"], line["role"], line["outcome"], line["rows"], line["file"]) for line in refused] == [
        ("budi", "opd_sosial", "refused", None, None), ("citra", "pembina_data", "refused", None, None)]
    assert all(line["reason"] for line in refused)
    assert (table_line["kind"], table_line["subject"], table_line["role"], table_line["outcome"]) == (
        "table", "spm_planning_targets", "opd_sosial", "written")
    assert Path(table_line["file"]).exists() and table_line["rows"] > 0

    # Never a row or a value: no NIK of the province, no value of the exported list but its programme and regency.
    text = export_log.read_text(encoding="utf-8")
    niks = [row[0] for row in pipeline.query("select nik from raw.regsosek_individu where nik is not null")]
    assert niks and not [nik for nik in niks if nik in text]
    values = {value for row in rows for value in row.values() if len(value) >= 6}
    assert values and not [value for value in values if value in text]


def test_without_a_role_nobody_exports_by_name_and_the_refusal_is_logged(pipeline: Pipeline, export_log,
                                                                        tmp_path: Path, capsys):
    assert _export(pipeline, "--program", "pkh", "--regency", "5371", "--out", str(tmp_path / "x.csv")) == 2
    assert "has no role" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()
    # A roles file with a typo grants nothing, and is logged too.
    Path(os.environ["SEPAKAT_ROLES"]).write_text(yaml.safe_dump({"users": {"ani": {"role": "walidta", "scope": "53"}}}))
    assert _export(pipeline, "--program", "pkh", "--regency", "5371", "--user", "ani") == 2
    assert "unknown role 'walidta'" in capsys.readouterr().err
    no_role, typo = _lines(export_log)
    assert (no_role["user"], no_role["os_user"], no_role["role"], no_role["outcome"]) == (
        getpass.getuser(), getpass.getuser(), None, "refused")
    assert (typo["user"], typo["role"], typo["outcome"], typo["file"]) == ("ani", None, "refused", None)


def test_the_cli_command_writes_the_file_or_says_what_is_wrong(pipeline: Pipeline, export_log, tmp_path: Path,
                                                               capsys):
    parser = argparse.ArgumentParser(prog="sepakat")
    add_export_command(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "bpnt_5301.csv"
    args = parser.parse_args(["export", "--program", "bpnt", "--regency", "5301", "--out", str(out),
                              "--user", "ani", "--warehouse", str(pipeline.warehouse)])
    assert args.handler(args) == 0
    assert out.exists() and "targeting list for regency 5301" in capsys.readouterr().out
    args = parser.parse_args(["export", "--program", "nope", "--regency", "5301", "--out", str(out),
                              "--user", "ani", "--warehouse", str(pipeline.warehouse)])
    assert args.handler(args) == 2
    assert "unknown programme 'nope'" in capsys.readouterr().err
