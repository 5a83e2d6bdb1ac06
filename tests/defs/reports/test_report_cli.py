"""`sepakat report`: the files it writes and the language they open in."""

from pathlib import Path

import duckdb
import pytest

from sepakat_dagster.cli import build_parser, main


def test_sepakat_report_writes_the_report_in_the_language_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SEPAKAT_REPORT_LANG", "en")

    assert main(["report", "--warehouse", str(warehouse), "--out", str(tmp_path / "reports")]) == 0
    assert (tmp_path / "reports" / "latest.html").read_text().startswith('<!doctype html>\n<html lang="en">')
    assert main(["report", "--warehouse", str(warehouse), "--out", str(tmp_path / "reports"), "--lang", "id"]) == 0
    assert (tmp_path / "reports" / "latest.html").read_text().startswith('<!doctype html>\n<html lang="id">')
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "--lang", "fr"])
