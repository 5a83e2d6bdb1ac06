"""Run-time locations: each variable overrides its location, and the derived defaults follow the location they sit
beside."""

from pathlib import Path

import pytest

from sepakat_dagster import paths

VARIABLES = ["SEPAKAT_WAREHOUSE", "SEPAKAT_LANDING", "SEPAKAT_REPORTS", "SEPAKAT_EXPORTS", "SEPAKAT_TRUTH",
             "SEPAKAT_PERSON_MODEL", "SEPAKAT_ALERTS", "SEPAKAT_PSEUDONYM_KEY", "SEPAKAT_ROLES"]


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_without_variables_every_location_has_its_documented_default(clean, tmp_path: Path):
    clean.setenv("DAGSTER_HOME", str(tmp_path))
    data = paths.DEFAULT_DATA_DIR
    assert paths.WAREHOUSE.path() == data / "warehouse.duckdb"
    assert paths.LANDING.path() == data / "demo" / "landing"
    assert paths.REPORTS.path() == data / "reports"
    assert paths.EXPORTS.path() == data / "exports"
    assert paths.ROLES.path() == data / "roles.yml"
    assert paths.TRUTH.path() == data / "demo" / "truth"
    assert paths.PERSON_MODEL.path() == paths.REPO_ROOT / "sepakat_dagster/defs/linkage/models/person_model.json"
    assert paths.ALERTS.path() == tmp_path / "alerts.jsonl"


def test_exports_follow_the_warehouse_and_truth_follows_the_landing_folder(clean, tmp_path: Path):
    clean.setenv("SEPAKAT_WAREHOUSE", str(tmp_path / "wh" / "warehouse.duckdb"))
    clean.setenv("SEPAKAT_LANDING", str(tmp_path / "province" / "landing"))
    assert paths.EXPORTS.path() == tmp_path / "wh" / "exports"
    assert paths.TRUTH.path() == tmp_path / "province" / "truth"

    clean.setenv("SEPAKAT_EXPORTS", str(tmp_path / "elsewhere"))
    clean.setenv("SEPAKAT_TRUTH", "")  # empty counts as unset
    assert paths.EXPORTS.path() == tmp_path / "elsewhere"
    assert paths.TRUTH.path() == tmp_path / "province" / "truth"


def test_a_run_environment_puts_reports_beside_the_warehouse_unless_they_are_set(clean, tmp_path: Path):
    warehouse, landing = tmp_path / "wh" / "warehouse.duckdb", tmp_path / "landing"
    assert paths.run_environment(warehouse, landing) == {
        "SEPAKAT_WAREHOUSE": str(warehouse), "SEPAKAT_LANDING": str(landing),
        "SEPAKAT_REPORTS": str(tmp_path / "wh" / "reports")}

    clean.setenv("SEPAKAT_REPORTS", str(tmp_path / "mine"))
    environment = paths.run_environment(warehouse, landing, pseudonym_key="a-key")
    assert "SEPAKAT_REPORTS" not in environment
    assert environment["SEPAKAT_PSEUDONYM_KEY"] == "a-key"
