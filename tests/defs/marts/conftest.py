"""The marts tests read one materialisation of the whole graph (helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.defs.marts.helpers import Pipeline, materialised_pipeline


@pytest.fixture(scope="session")
def pipeline(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return materialised_pipeline(demo_dir, tmp_path_factory)
