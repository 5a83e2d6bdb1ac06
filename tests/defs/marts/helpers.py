"""The whole Dagster graph (sources -> dbt harmonisation -> linkage -> dbt marts -> checks -> exports and
evaluation) materialised once per test session on the session's generated province, with real resources, for the
marts tests in tests/defs/marts/."""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import yaml

from sepakat_dagster.paths import DBT_PROJECT_DIR

# A fixed test key (never the demo's): tests check pseudonyms against Python's hmac with it.
PSEUDONYM_KEY = "sepakat-test-pseudonym-key-0001"
# The published marts' suppression limit, as dbt reads it (the var in dbt_project.yml), not a copy.
MIN_CELL_COUNT = int(yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][
    "min_cell_count"])


@dataclass(frozen=True)
class Pipeline:
    warehouse: Path
    truth: Path
    exports: Path
    result: dg.ExecuteInProcessResult

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: list | None = None):
        return self.query(sql, params)[0][0]

    def copy_warehouse(self, folder: Path) -> Path:
        """A private copy (same file name: dbt bakes the stem in) for tests that change data."""
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / "warehouse.duckdb"
        shutil.copyfile(self.warehouse, copy)
        return copy


def graph_definitions() -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """Every executable asset and asset check of a province's graph (the code location without the national pass,
    which runs after the provinces), before its resources are bound (the tests bind their own)."""
    from sepakat_dagster.definitions import defs

    definitions = defs()
    assets = [a for a in definitions.assets or [] if isinstance(a, dg.AssetsDefinition) and a.is_executable
              and a.partitions_def is not None]
    keys = {key for a in assets for key in a.keys}
    checks = [c for c in definitions.asset_checks or [] if isinstance(c, dg.AssetChecksDefinition)
              and {check.asset_key for check in c.check_keys} <= keys]
    return assets, checks


# The generic tests the marts declare their reconciliation identities with; the identities across rows or relations
# are the singular tests of this folder.
IDENTITY_GENERIC_TESTS = ("identity_holds", "sums_to_parent")
IDENTITY_FOLDER = "tests/marts/"


def identity_tests() -> dict[str, str]:
    """The marts' reconciliation identities, dbt tests read from the project's manifest: name -> mart they check."""
    from sepakat_dagster.defs.dbt.project import sepakat_dbt_project

    manifest = json.loads(sepakat_dbt_project().manifest_path.read_text(encoding="utf-8"))
    identities = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        if (node.get("test_metadata") or {}).get("name") in IDENTITY_GENERIC_TESTS:
            identities[node["name"]] = node["attached_node"].split(".")[-1]
        elif node["original_file_path"].startswith(IDENTITY_FOLDER):
            identities[node["name"]] = node["config"]["meta"]["dagster"]["ref"]["name"]
    return identities


def graph_resources(warehouse: Path, landing: Path, truth: Path | None, exports: Path) -> dict:
    from dagster_dbt import DbtCliResource

    from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE, sepakat_dbt_project
    from sepakat_dagster.defs.ground_truth import TruthDirectory
    from sepakat_dagster.defs.linkage.resources import PersonModel
    from sepakat_dagster.defs.marts.resources import ExportDirectory
    from tests.conftest import pipeline_resources

    return {
        **pipeline_resources(warehouse, landing),
        "dbt": DbtCliResource(project_dir=sepakat_dbt_project(), dbt_executable=str(DBT_EXECUTABLE)),
        "person_model": PersonModel(),
        "truth": TruthDirectory(path=str(truth)) if truth else TruthDirectory(),
        "exports": ExportDirectory(path=str(exports)),
    }


def environment(**values: str) -> contextlib.AbstractContextManager[None]:
    """Environment variables set for the duration (dbt's subprocess reads them), then restored."""
    from sepakat_dagster.duckdb_limits import with_environment

    return with_environment(values)


def materialise(warehouse: Path, landing: Path, truth: Path | None, exports: Path,
                selection=None, province: str = "53") -> dg.ExecuteInProcessResult:
    # dbt reads the warehouse path and the pseudonym key from its environment; the quality report (an asset of
    # the graph too) writes beside the test warehouse (the `reports` resource), not into the repository's data/.
    assets, checks = graph_definitions()
    with environment(SEPAKAT_WAREHOUSE=str(warehouse), SEPAKAT_PSEUDONYM_KEY=PSEUDONYM_KEY):
        return dg.materialize([*assets, *checks], selection=selection, partition_key=province,
                              resources=graph_resources(warehouse, landing, truth, exports), raise_on_error=False)


_BUILT: dict[Path, Pipeline] = {}


def materialised_pipeline(demo_dir: Path, tmp_path_factory) -> Pipeline:
    """The session's province through the whole graph, once per session (cached: tests only read it)."""
    if demo_dir not in _BUILT:
        folder = tmp_path_factory.mktemp("marts_pipeline")
        warehouse = folder / "warehouse.duckdb"
        result = materialise(warehouse, demo_dir / "landing", demo_dir / "truth", folder / "exports")
        _BUILT[demo_dir] = Pipeline(warehouse, demo_dir / "truth", folder / "exports", result)
    return _BUILT[demo_dir]
