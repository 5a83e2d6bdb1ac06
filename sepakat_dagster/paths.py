"""Where things live: repository folders, and every run-time location with the environment variable that overrides
it and its default. This is the one place those variables are named; the Dagster resources (defs/resources.py)
and the `sepakat` command take their locations from here.

Kept free of Dagster imports so that `sepakat --help` answers at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
DEFAULT_DATA_DIR = REPO_ROOT / "data"

PSEUDONYM_KEY = "SEPAKAT_PSEUDONYM_KEY"
"""The marts' HMAC key. A secret, not a location: it has no default (dbt refuses to build the marts without it)
and is never printed or logged."""


@dataclass(frozen=True)
class Location:
    """A run-time location: `variable` when it is set (an empty value counts as unset), otherwise `default()`.

    Defaults are functions because some sit beside another location and so follow that one's variable."""

    variable: str
    default: Callable[[], Path]

    def is_set(self) -> bool:
        return bool(os.environ.get(self.variable))

    def path(self) -> Path:
        return Path(os.environ[self.variable]) if self.is_set() else self.default()


def _committed_person_model() -> Path:
    # Imported when asked for: the linkage model module brings in splink.
    from sepakat_dagster.defs.linkage.model import model_path

    return model_path()


WAREHOUSE = Location("SEPAKAT_WAREHOUSE", lambda: DEFAULT_DATA_DIR / "warehouse.duckdb")
"""The DuckDB warehouse; the file must be called warehouse.duckdb (its stem is baked into dbt's manifest)."""

LANDING = Location("SEPAKAT_LANDING", lambda: DEFAULT_DATA_DIR / "demo" / "landing")
"""Where registry deliveries land, one folder per registry; the default is where `sepakat demo` generates them."""

REPORTS = Location("SEPAKAT_REPORTS", lambda: DEFAULT_DATA_DIR / "reports")
"""Quality reports and great-expectations Data Docs, side by side so the report can link the docs."""

EXPORTS = Location("SEPAKAT_EXPORTS", lambda: WAREHOUSE.path().parent / "exports")
"""The restricted per-regency exports: beside the warehouse by default (data/exports for the demo, git-ignored
with the rest of data/)."""

TRUTH = Location("SEPAKAT_TRUTH", lambda: LANDING.path().parent / "truth")
"""The generator's ground truth, read only by the evaluations: beside the landing folder by default, where
`sepakat generate` and `sepakat demo` put it. With real registries there is none, and the evaluations say so."""

PERSON_MODEL = Location("SEPAKAT_PERSON_MODEL", _committed_person_model)
"""The trained person model: the committed one by default; set it to train into a scratch folder before replacing
the committed model."""

ROLES = Location("SEPAKAT_ROLES", lambda: WAREHOUSE.path().parent / "roles.yml")
"""Who holds which Satu Data role and scope (sepakat_dagster/access/): a deployment's own file, beside the warehouse
by default. Without it nobody may export by name."""

ALERTS = Location("SEPAKAT_ALERTS", lambda: Path(os.environ.get("DAGSTER_HOME", ".")) / "alerts.jsonl")
"""Run-failure alert records: beside the Dagster instance by default, whose runs they describe."""


NATIONAL_WAREHOUSE = Location("SEPAKAT_NATIONAL_WAREHOUSE", lambda: DEFAULT_DATA_DIR / "national" / "warehouse.duckdb")
"""The national warehouse: the national pass's NIK index, cross-province links and roll-ups over every published
province warehouse (defs/national/)."""


def warehouse_path() -> Path:
    """The warehouse file, for the code that runs outside a Dagster run: dbt's environment, DuckDB's spill folder and
    the command's defaults."""
    return WAREHOUSE.path()


def run_environment(warehouse: Path, landing: Path, pseudonym_key: str | None = None) -> dict[str, str]:
    """The variables to set before loading the definitions for a run on `warehouse` and `landing`, so that its
    resources and dbt's subprocesses see them: reports beside the warehouse unless SEPAKAT_REPORTS is set already,
    and the pseudonym key when one is given (otherwise the environment's own, if any)."""
    environment = {WAREHOUSE.variable: str(warehouse), LANDING.variable: str(landing)}
    if not REPORTS.is_set():
        environment[REPORTS.variable] = str(warehouse.parent / "reports")
    if pseudonym_key:
        environment[PSEUDONYM_KEY] = pseudonym_key
    return environment
