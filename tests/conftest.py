"""Shared fixtures: one small generated province per test session, and a fresh warehouse per test."""

import os
from pathlib import Path

import pytest

from sepakat_dagster.defs.dbt.project import manifest_is_stale, prepare_manifest
from sepakat_dagster.defs.resources import LandingDirectory
from sepakat_synthetic import generate

SMALL_PROVINCE_PERSONS = 4_000


def pytest_configure(config: pytest.Config) -> None:
    """Bare `pytest` works too: `make test` parses dbt first, here we re-parse only a missing or stale manifest."""
    os.environ.setdefault("SEPAKAT_WAREHOUSE", str(Path(config.rootpath) / "data" / "warehouse.duckdb"))
    if manifest_is_stale():
        prepare_manifest()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small province with the default error rates; read-only for tests (copy it before breaking files)."""
    folder = tmp_path_factory.mktemp("demo")
    generate(folder, persons=SMALL_PROVINCE_PERSONS, seed=11)
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A fresh warehouse file; named warehouse.duckdb like the real one (dbt bakes the file stem in)."""
    folder = tmp_path / "wh"
    folder.mkdir()
    return folder / "warehouse.duckdb"


def pipeline_resources(warehouse: Path, landing: Path) -> dict:
    """The shared resources on a test warehouse; its reports and Data Docs beside it, never in the repository."""
    from sepakat_dagster.defs.resources import ReportsDirectory, Warehouse

    return {
        "warehouse": Warehouse(database=str(warehouse)),
        "landing": LandingDirectory(path=str(landing)),
        "reports": ReportsDirectory(path=str(warehouse.parent / "reports")),
    }
