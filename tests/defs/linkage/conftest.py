"""The session's small generated province (tests/conftest.py) with dbt's int_persons built, for linkage tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.defs.linkage.helpers import build_person_warehouse


@pytest.fixture(scope="session")
def person_warehouse(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """warehouse.duckdb with raw.* and intermediate.int_persons of the 4,000-person province; read-only for tests."""
    return build_person_warehouse(demo_dir / "landing", tmp_path_factory.mktemp("linkage_warehouse"))
