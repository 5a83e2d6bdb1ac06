"""Every DuckDB connection the pipeline opens carries the configured memory limit and spill folder.

A connection without them grew to 22.7 GB at province scale; these tests open each kind for real (the warehouse
resource, the linkage's scratch file, read-only report connections, dbt's profile) and read the settings back.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from sepakat_dagster import duckdb_limits, paths
from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE
from sepakat_dagster.defs.linkage import records
from sepakat_dagster.defs.resources import Warehouse

LIMIT = "1234MB"


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse file and an unusual memory limit and spill folder set the way an operator would."""
    spill = tmp_path / "spill"
    monkeypatch.setenv(duckdb_limits.MEMORY_LIMIT_ENV, LIMIT)
    monkeypatch.setenv(duckdb_limits.TEMP_DIR_ENV, str(spill))
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    duckdb.connect(str(warehouse)).close()
    return warehouse


def expected_limit() -> str:
    """DuckDB's own rendering of LIMIT (it reports limits in GiB/MiB)."""
    with duckdb.connect(config={"memory_limit": LIMIT}) as reference:
        return reference.execute("select current_setting('memory_limit')").fetchall()[0][0]


def settings(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    return con.execute("select current_setting('memory_limit'), current_setting('temp_directory')").fetchall()[0]


def test_the_warehouse_resource_connection_is_limited(configured: Path):
    with Warehouse(database=str(configured)).get_connection() as con:
        assert settings(con) == (expected_limit(), os.environ[duckdb_limits.TEMP_DIR_ENV])


def test_the_linkage_scratch_file_is_limited_and_removed(configured: Path):
    with records.scratch(configured) as con:
        assert settings(con) == (expected_limit(), os.environ[duckdb_limits.TEMP_DIR_ENV])
        (scratch_file,) = [row[0] for row in con.execute("select path from duckdb_databases() where path is not null"
                                                         ).fetchall()]
    assert Path(scratch_file).parent == Path(os.environ[duckdb_limits.TEMP_DIR_ENV])
    assert not Path(scratch_file).exists()


def test_read_only_connections_are_limited(configured: Path):
    with duckdb_limits.connect(configured, read_only=True) as con:
        assert settings(con)[0] == expected_limit()


def test_the_default_spill_folder_is_beside_the_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(duckdb_limits.TEMP_DIR_ENV, raising=False)
    monkeypatch.delenv(duckdb_limits.MEMORY_LIMIT_ENV, raising=False)
    chosen = duckdb_limits.limits(tmp_path / "warehouse.duckdb")
    assert chosen.temp_directory == str(tmp_path / duckdb_limits.SPILL_FOLDER)
    assert chosen.memory_limit == duckdb_limits.DEFAULT_MEMORY_LIMIT


def test_dbt_runs_with_the_same_limits(configured: Path, tmp_path: Path):
    env = {**os.environ, **duckdb_limits.environment(configured), "SEPAKAT_WAREHOUSE": str(configured),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    completed = subprocess.run(
        [str(DBT_EXECUTABLE), "show", "--inline",
         "select current_setting('memory_limit') as memory_limit, current_setting('temp_directory') as spill",
         "--output", "json", "--log-format", "text", "--project-dir", str(paths.DBT_PROJECT_DIR),
         "--profiles-dir", str(paths.DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:]
    shown = json.loads(re.search(r"\{\s*\"show\".*\}", completed.stdout, re.S).group(0))["show"][0]
    assert shown == {"memory_limit": expected_limit(), "spill": os.environ[duckdb_limits.TEMP_DIR_ENV]}


def test_no_module_opens_duckdb_around_the_limits():
    """Every connection goes through duckdb_limits (or the Warehouse resource built on it)."""
    packages = [Path(paths.REPO_ROOT) / name for name in ("sepakat_dagster", "sepakat_synthetic")]
    offenders = [str(path.relative_to(paths.REPO_ROOT)) for package in packages for path in package.rglob("*.py")
                 if path.name != "duckdb_limits.py" and "duckdb.connect(" in path.read_text()]
    assert offenders == []


def test_the_dbt_profile_falls_back_to_the_same_default_limit():
    """dbt run by hand (without Dagster exporting the setting) must not use another limit."""
    profile = (Path(paths.DBT_PROJECT_DIR) / "profiles.yml").read_text()
    assert f"env_var('{duckdb_limits.MEMORY_LIMIT_ENV}', '{duckdb_limits.DEFAULT_MEMORY_LIMIT}')" in profile
