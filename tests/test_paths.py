"""Run-time locations: each variable overrides its location, and the derived defaults follow the location they sit
beside."""

from pathlib import Path

import pytest

from sepakat_dagster import paths

VARIABLES = ["SEPAKAT_WAREHOUSE", "SEPAKAT_LANDING", "SEPAKAT_REPORTS", "SEPAKAT_EXPORTS", "SEPAKAT_TRUTH",
             "SEPAKAT_PERSON_MODEL", "SEPAKAT_ALERTS", "SEPAKAT_PSEUDONYM_KEY", "SEPAKAT_ROLES",
             "SEPAKAT_PROVINCES"]


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_without_variables_every_location_has_its_documented_default(clean, tmp_path: Path):
    clean.setenv("DAGSTER_HOME", str(tmp_path))
    province = paths.DEFAULT_DATA_DIR / "provinces" / "75"
    assert paths.WAREHOUSE.path("75") == province / "warehouse.duckdb"
    assert paths.province_warehouse("75") == province / "warehouse.duckdb"
    assert paths.LANDING.path("75") == paths.DEFAULT_DATA_DIR / "demo" / "75" / "landing"
    assert paths.REPORTS.path("75") == province / "reports"
    assert paths.EXPORTS.path("75") == province / "exports"
    assert paths.ROLES.path("75") == province / "roles.yml"
    assert paths.TRUTH.path("75") == paths.DEFAULT_DATA_DIR / "demo" / "75" / "truth"
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


def test_a_location_that_differs_per_province_needs_one_and_a_fixed_one_ignores_it(clean, tmp_path: Path):
    with pytest.raises(paths.LocationError, match="SEPAKAT_WAREHOUSE"):
        paths.WAREHOUSE.path()
    clean.setenv("SEPAKAT_WAREHOUSE", str(tmp_path / "{province}" / "warehouse.duckdb"))
    assert paths.WAREHOUSE.is_per_province()
    assert paths.EXPORTS.path("31") == tmp_path / "31" / "exports"
    clean.setenv("SEPAKAT_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    assert not paths.WAREHOUSE.is_per_province()
    assert paths.WAREHOUSE.path() == paths.WAREHOUSE.path("31") == tmp_path / "warehouse.duckdb"


def test_the_served_provinces_are_named_found_by_their_landing_folders_or_the_demo_province(clean, tmp_path: Path):
    codes = ["31", "53", "75"]
    for code in ("53", "75"):
        (tmp_path / code / "landing").mkdir(parents=True)
    assert paths.served_provinces(str(tmp_path / "{province}" / "landing"), codes) == ["53", "75"]
    assert paths.served_provinces(str(tmp_path / "53" / "landing"), codes) == [paths.DEMO_PROVINCE]
    clean.setenv("SEPAKAT_PROVINCES", "31, 75")
    assert paths.served_provinces(str(tmp_path / "{province}" / "landing"), codes) == ["31", "75"]


def test_a_run_environment_puts_reports_beside_the_warehouse_unless_they_are_set(clean, tmp_path: Path):
    warehouse, landing = tmp_path / "wh" / "warehouse.duckdb", tmp_path / "landing"
    assert paths.run_environment(warehouse, landing) == {
        "SEPAKAT_WAREHOUSE": str(warehouse), "SEPAKAT_LANDING": str(landing),
        "SEPAKAT_REPORTS": str(tmp_path / "wh" / "reports")}

    clean.setenv("SEPAKAT_REPORTS", str(tmp_path / "mine"))
    environment = paths.run_environment(warehouse, landing, pseudonym_key="a-key")
    assert "SEPAKAT_REPORTS" not in environment
    assert environment["SEPAKAT_PSEUDONYM_KEY"] == "a-key"
