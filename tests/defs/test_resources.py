"""Every location resource is configured the same way: from its variable when set, otherwise from its default in
`paths`, and resolved to that folder when a run starts."""

from pathlib import Path

import dagster as dg
import pytest

from sepakat_dagster.defs.automation.resources import automation_resources
from sepakat_dagster.defs.linkage.model import model_path
from sepakat_dagster.defs.linkage.resources import linkage_resources
from sepakat_dagster.defs.marts.resources import marts_resources
from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.resources import LandingDirectory, ReportsDirectory, Warehouse, located, resources
from sepakat_dagster.paths import REPORTS, LocationError


def initialised(definitions: dg.Definitions, key: str):
    """The resource as a run sees it, environment variables resolved."""
    return definitions.resources[key].process_config_and_initialize()


@pytest.fixture
def located_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for variable in ["SEPAKAT_EXPORTS", "SEPAKAT_TRUTH", "SEPAKAT_PERSON_MODEL", "SEPAKAT_REPORTS",
                     "SEPAKAT_ALERTS"]:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SEPAKAT_WAREHOUSE", str(tmp_path / "wh" / "warehouse.duckdb"))
    monkeypatch.setenv("SEPAKAT_LANDING", str(tmp_path / "province" / "landing"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    return tmp_path


def test_a_set_variable_is_passed_on_as_an_env_var_and_an_unset_one_as_its_default(located_env, monkeypatch):
    assert located(REPORTS) == str(REPORTS.default())  # beside the warehouse: SEPAKAT_WAREHOUSE's folder
    monkeypatch.setenv("SEPAKAT_REPORTS", str(located_env / "reports"))
    assert located(REPORTS) == dg.EnvVar("SEPAKAT_REPORTS")


def test_unset_optional_locations_sit_beside_the_warehouse_and_the_landing_folder(located_env):
    assert initialised(marts_resources(), "exports").root == located_env / "wh" / "exports"
    assert initialised(linkage_resources(), "truth").root == located_env / "province" / "truth"
    assert Path(initialised(linkage_resources(), "person_model").path) == model_path()
    assert Path(initialised(automation_resources(), "alerts").path) == located_env / "home" / "alerts.jsonl"
    shared = resources()
    with dg.build_resources({"warehouse": shared.resources["warehouse"]}) as built:  # it has a teardown
        assert built.warehouse.database == str(located_env / "wh" / "warehouse.duckdb")
        assert built.warehouse.path == located_env / "wh" / "warehouse.duckdb"  # outside a run: the published file
    assert initialised(shared, "landing").root == located_env / "province" / "landing"
    assert initialised(shared, "reports").root == located_env / "wh" / "reports"


def test_a_location_per_province_resolves_to_the_runs_partition(located_env, monkeypatch):
    monkeypatch.setenv("SEPAKAT_WAREHOUSE", str(located_env / "{province}" / "warehouse.duckdb"))
    monkeypatch.setenv("SEPAKAT_LANDING", str(located_env / "deliveries" / "{province}"))
    seen = {}

    @dg.asset(partitions_def=PROVINCES)
    def where(warehouse: Warehouse, landing: LandingDirectory, reports: ReportsDirectory) -> None:
        seen.update(warehouse=warehouse.published, landing=landing.root, reports=reports.root)

    shared = resources().resources
    assert dg.materialize([where], partition_key="75", resources=shared).success
    assert seen == {"warehouse": located_env / "75" / "warehouse.duckdb",
                    "landing": located_env / "deliveries" / "75", "reports": located_env / "75" / "reports"}
    with pytest.raises(LocationError):  # outside a run a province must be named
        _ = initialised(resources(), "landing").root
    assert initialised(resources(), "landing").for_province("31") == located_env / "deliveries" / "31"


def test_set_variables_win(located_env, monkeypatch):
    for variable, folder in [("SEPAKAT_EXPORTS", "ex"), ("SEPAKAT_TRUTH", "tr"), ("SEPAKAT_REPORTS", "rep"),
                             ("SEPAKAT_PERSON_MODEL", "model.json"), ("SEPAKAT_ALERTS", "alerts.jsonl")]:
        monkeypatch.setenv(variable, str(located_env / "set" / folder))
    assert initialised(marts_resources(), "exports").root == located_env / "set" / "ex"
    assert initialised(linkage_resources(), "truth").root == located_env / "set" / "tr"
    assert initialised(linkage_resources(), "person_model").path == str(located_env / "set" / "model.json")
    assert initialised(automation_resources(), "alerts").path == str(located_env / "set" / "alerts.jsonl")
    assert initialised(resources(), "reports").root == located_env / "set" / "rep"


def test_the_gates_and_the_report_write_where_the_reports_resource_says():
    from sepakat_dagster.definitions import defs

    repository = defs().get_repository_def()
    report = repository.assets_defs_by_key[dg.AssetKey(["reports", "quality_report"])]
    gates = [checks for checks in defs().asset_checks or [] if isinstance(checks, dg.AssetChecksDefinition)
             and any(key.name == "expectations" for key in checks.check_keys)]
    assert "reports" in report.required_resource_keys
    assert gates and all("reports" in checks.required_resource_keys for checks in gates)
    assert "reports" in repository.get_top_level_resources()
