"""The production instance (deploy/postgres/dagster.yaml) on a real PostgreSQL server: a run of the project's own
assets is recorded there, its run and its materialisations, and nothing falls back to SQLite under DAGSTER_HOME."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from sepakat_dagster.defs.sources.assets import build_source_asset
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.paths import REPO_ROOT
from tests.conftest import pipeline_resources
from tests.defs.publish.helpers import with_publish
from tests.deploy.conftest import PostgresServer, server_binaries

PRODUCTION_YAML = REPO_ROOT / "deploy" / "postgres" / "dagster.yaml"
SOURCES = ("sipd_anggaran", "regsosek_keluarga")


@pytest.fixture
def production_home(tmp_path: Path, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(PRODUCTION_YAML, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in postgres_server.environment().items():
        monkeypatch.setenv(name, value)
    return home


def test_a_run_on_the_production_instance_is_stored_in_postgresql(production_home: Path, postgres_server,
                                                                   demo_dir: Path, warehouse: Path):
    assets = [build_source_asset(source) for source in load_catalog().values() if source.name in SOURCES]
    with dg.DagsterInstance.get() as instance:
        result = dg.materialize(with_publish(assets), instance=instance, partition_key="53",
                                resources=pipeline_resources(warehouse, demo_dir / "landing"))
        assert result.success
        assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS

    con = postgres_server.connect()
    try:
        cursor = con.cursor()
        cursor.execute("select status from runs where run_id = %s", [result.run_id])
        assert cursor.fetchall() == [("SUCCESS",)]
        cursor.execute("select asset_key from event_logs where run_id = %s and dagster_event_type = %s",
                       [result.run_id, "ASSET_MATERIALIZATION"])
        materialised = sorted(dg.AssetKey.from_db_string(row[0]).to_user_string() for row in cursor.fetchall())
    finally:
        con.close()
    assert materialised == sorted([*(f"raw/{name}" for name in SOURCES), "publish/warehouse"])
    assert warehouse.exists()  # and the run published what it loaded
    # Run, event and schedule storage all went to the server: no SQLite database beside the yaml.
    assert sorted(path.name for path in production_home.rglob("*.db")) == []


def test_without_server_binaries_the_test_skips_or_under_ci_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SEPAKAT_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception):
        server_binaries(tmp_path)
    monkeypatch.setenv("SEPAKAT_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="SEPAKAT_REQUIRE_SERVICES=1"):
        server_binaries(tmp_path)
    (tmp_path / "15" / "bin").mkdir(parents=True)
    (tmp_path / "15" / "bin" / "pg_ctl").touch()
    assert server_binaries(tmp_path) == tmp_path / "15" / "bin"
