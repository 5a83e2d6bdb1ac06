"""Where things live: repository folders, and the run-time locations that environment variables override."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
DEFAULT_DATA_DIR = REPO_ROOT / "data"


def warehouse_path() -> Path:
    """The DuckDB warehouse; the file must be called warehouse.duckdb (its stem is baked into dbt's manifest)."""
    return Path(os.environ.get("SEPAKAT_WAREHOUSE", DEFAULT_DATA_DIR / "warehouse.duckdb"))


def landing_dir() -> Path:
    return Path(os.environ.get("SEPAKAT_LANDING", DEFAULT_DATA_DIR / "demo" / "landing"))


def reports_dir() -> Path:
    """Quality reports and great-expectations Data Docs, side by side."""
    return Path(os.environ.get("SEPAKAT_REPORTS", DEFAULT_DATA_DIR / "reports"))
