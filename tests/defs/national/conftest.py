"""The national pass run once over the planted sample (helpers.py), shared by the tests of this folder."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from sepakat_dagster.defs.national import definitions
from tests.defs.national.helpers import build_sample, province_warehouses


@pytest.fixture(scope="package")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("national_sample"))


@pytest.fixture(scope="package")
def national(sample: Path) -> tuple[dg.ExecuteInProcessResult, Path]:
    warehouse = sample / "national" / "warehouse.duckdb"
    result = definitions.run(province_warehouses(sample), warehouse, dg.DagsterInstance.ephemeral())
    assert result.success
    return result, warehouse
