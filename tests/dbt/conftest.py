"""The dbt layer built for real: the session's generated province loaded into a temporary warehouse, then one
`dbt build` that every test in this folder reads (tests that change data or vars work on a copy)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
import pytest

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import load_delivery
from sepakat_dagster.paths import DBT_PROJECT_DIR

# The marts build (dbt_project/selectors.yml, selector marts) as an exclusion beside a --select, where dbt's command
# line cannot name a YAML selector.
MARTS_BUILD = "tag:marts source:linkage+"


@dataclass(frozen=True)
class DbtRun:
    """One dbt invocation: its exit code, console output and run_results.json keyed by node name."""

    returncode: int
    output: str
    results: dict[str, dict]

    def status(self, name: str) -> str:
        return self.results[name]["status"]


def run_dbt(args: list[str], warehouse: Path, target_path: Path) -> DbtRun:
    """dbt as Dagster runs it (the CLI), on `warehouse`, with its artefacts in `target_path` so the project's
    own manifest is never touched. Reusing a target path lets dbt parse partially (faster)."""
    env = {**os.environ, **duckdb_limits.environment(warehouse),
           "SEPAKAT_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    results_file = target_path / "run_results.json"
    results_file.unlink(missing_ok=True)  # a failed invocation must not leave the previous one's results
    completed = subprocess.run(
        [str(DBT_EXECUTABLE), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(target_path), "--log-path", str(target_path / "logs")],
        env=env, capture_output=True, text=True, check=False,
    )
    results = {}
    if results_file.exists():
        for result in json.loads(results_file.read_text())["results"]:
            # model.sepakat.<name>, test.sepakat.<name>.<hash>, unit_test.sepakat.<model>.<name>
            parts = result["unique_id"].split(".")
            results[parts[3] if parts[0] == "unit_test" else parts[2]] = result
    return DbtRun(completed.returncode, completed.stdout + completed.stderr, results)


def load_landing(landing: Path, warehouse: Path) -> None:
    """Every catalogue source into raw.* with the ingestion loader, as the Dagster source assets do."""
    con = duckdb.connect(str(warehouse))
    try:
        for source in load_catalog().values():
            load_delivery(con, source, landing)
    finally:
        con.close()


def normalise_name_sql(column: str) -> str:
    """The dbt macro normalise_name rendered by plain jinja2, as `sepakat link` renders it."""
    macro = (DBT_PROJECT_DIR / "macros" / "normalise_name.sql").read_text(encoding="utf-8")
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(macro).module.normalise_name(column)


@dataclass(frozen=True)
class BuiltWarehouse:
    path: Path  # .../warehouse.duckdb: the file stem is baked into dbt's compiled SQL
    target_path: Path
    build: DbtRun
    truth: Path  # the generator's ground truth, for checks against what really happened (never read by dbt)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def scalar(self, sql: str):
        return self.query(sql)[0][0]


@pytest.fixture(scope="session")
def built_warehouse(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The session's small generated province (tests/conftest.py: 4,000 persons, seed 11) through `dbt build`."""
    folder = tmp_path_factory.mktemp("dbt_build")
    warehouse = folder / "warehouse.duckdb"
    load_landing(demo_dir / "landing", warehouse)
    # As the Dagster harmonisation step does: the marts come after the linkage, which these tests do not run.
    build = run_dbt(["build", "--selector", "harmonisation"], warehouse, folder / "target")
    return BuiltWarehouse(warehouse, folder / "target", build, demo_dir / "truth")


@pytest.fixture
def warehouse_copy(built_warehouse: BuiltWarehouse, tmp_path: Path) -> Path:
    """A private copy of the built warehouse for tests that change data or vars (same file name, own folder)."""
    folder = tmp_path / "wh"
    folder.mkdir()
    copy = folder / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.path, copy)
    return copy
