"""`sepakat export`: a regency receives only its own rows of one programme's targeting list, only the columns of the
enforced contract; unknown programmes and regencies are refused with a clear message."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

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


def test_the_cli_command_writes_the_file_or_says_what_is_wrong(pipeline: Pipeline, tmp_path: Path, capsys):
    parser = argparse.ArgumentParser(prog="sepakat")
    add_export_command(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "bpnt_5301.csv"
    args = parser.parse_args(["export", "--program", "bpnt", "--regency", "5301", "--out", str(out),
                              "--warehouse", str(pipeline.warehouse)])
    assert args.handler(args) == 0
    assert out.exists() and "targeting list for regency 5301" in capsys.readouterr().out
    args = parser.parse_args(["export", "--program", "nope", "--regency", "5301", "--out", str(out),
                              "--warehouse", str(pipeline.warehouse)])
    assert args.handler(args) == 2
    assert "unknown programme 'nope'" in capsys.readouterr().err
