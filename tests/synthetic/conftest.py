"""Generated provinces shared by the generator tests (small: the whole folder runs in well under a minute)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sepakat_dagster.defs.sources.catalog import Source, load_catalog
from sepakat_synthetic import ErrorRates, generate

PERSONS = 20_000


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated_default")
    generate(folder, persons=PERSONS, seed=42)
    return folder


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated_clean")
    generate(folder, persons=PERSONS, seed=42, error_rates=ErrorRates().scaled(0))
    return folder


@pytest.fixture(scope="session")
def record_map(default_run: Path) -> pd.DataFrame:
    return pd.read_parquet(default_run / "truth" / "record_map.parquet")


@pytest.fixture(scope="session")
def persons(default_run: Path) -> pd.DataFrame:
    return pd.read_parquet(default_run / "truth" / "persons.parquet")


@pytest.fixture(scope="session")
def households(default_run: Path) -> pd.DataFrame:
    return pd.read_parquet(default_run / "truth" / "households.parquet")


def _landing_file(run: Path, source: Source) -> Path:
    matches = sorted((run / "landing").glob(source.path))
    assert len(matches) == 1, f"{source.name}: expected one file matching {source.path}, found {matches}"
    return matches[0]


def _read_landing(run: Path, name: str) -> pd.DataFrame:
    """A landing file as text, columns under their catalogue names (empty cells as None)."""
    source = load_catalog()[name]
    path = _landing_file(run, source)
    if source.format.type == "jsonl":
        with path.open(encoding="utf-8") as handle:
            return pd.DataFrame([json.loads(line) for line in handle], dtype=object)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=source.format.delimiter, quotechar=source.format.quote))
    frame = pd.DataFrame(rows[1:], columns=[c.name for c in source.columns], dtype=object)
    return frame.mask(frame == "", None)


@pytest.fixture(scope="session")
def landing_file() -> Callable[[Path, Source], Path]:
    """The one landing file of a source in a generated folder."""
    return _landing_file


@pytest.fixture(scope="session")
def read_landing() -> Callable[[Path, str], pd.DataFrame]:
    """A landing file as text under the catalogue's column names (empty cells as None)."""
    return _read_landing
