"""Where things live: repository folders, and every run-time location with the environment variable that overrides
it and its default. This is the one place those variables are named; the Dagster resources (defs/resources.py)
and the `sepakat` command take their locations from here.

Kept free of Dagster imports so that `sepakat --help` answers at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
DEFAULT_DATA_DIR = REPO_ROOT / "data"

PROVINCE = "{province}"
"""The placeholder a location may hold for the province code: one warehouse, landing folder, report folder... per
province (DuckDB allows one writer per file, so provinces refresh independently). A value without it is one
location whatever the province: a deployment that serves one province names its files directly."""

DEMO_PROVINCE = "53"
"""The province `sepakat demo` and the command's defaults serve when none is named: Nusa Tenggara Timur."""

PSEUDONYM_KEY = "SEPAKAT_PSEUDONYM_KEY"
"""The marts' HMAC key. A secret, not a location: it has no default (dbt refuses to build the marts without it)
and is never printed or logged."""


class LocationError(ValueError):
    """A location that differs per province was asked for without naming the province."""


@dataclass(frozen=True)
class Location:
    """A run-time location: `variable` when it is set (an empty value counts as unset), otherwise `default()`.
    Either may hold the `{province}` placeholder (`PROVINCE`), filled in by `path(province)`.

    Defaults are functions because some sit beside another location and so follow that one's variable."""

    variable: str
    default: Callable[[], Path]

    def is_set(self) -> bool:
        return bool(os.environ.get(self.variable))

    def template(self) -> str:
        """The location as configured, placeholder and all."""
        return os.environ[self.variable] if self.is_set() else str(self.default())

    def is_per_province(self) -> bool:
        return PROVINCE in self.template()

    def path(self, province: str | None = None) -> Path:
        return fill_province(self.template(), province, self.variable)


def fill_province(template: str, province: str | None, name: str) -> Path:
    """`template` with its `{province}` placeholder filled in; a template without one is the same path for every
    province, and one with it needs a province (`name` says which location in the error)."""
    if PROVINCE not in template:
        return Path(template)
    if not province:
        raise LocationError(f"{name} ({template}) differs per province: name the province (a run's partition, or "
                            "--province)")
    return Path(template.replace(PROVINCE, province))


def _committed_person_model() -> Path:
    # Imported when asked for: the linkage model module brings in splink.
    from sepakat_dagster.defs.linkage.model import model_path

    return model_path()


def _beside(location: Location, name: str) -> Callable[[], Path]:
    return lambda: Path(location.template()).parent / name


WAREHOUSE = Location("SEPAKAT_WAREHOUSE", lambda: DEFAULT_DATA_DIR / "provinces" / PROVINCE / "warehouse.duckdb")
"""Each province's DuckDB warehouse; the file must be called warehouse.duckdb (its stem is baked into dbt's
manifest)."""

LANDING = Location("SEPAKAT_LANDING", lambda: DEFAULT_DATA_DIR / "demo" / PROVINCE / "landing")
"""Where a province's registry deliveries land, one folder per registry; the default is where `sepakat demo`
generates them."""

REPORTS = Location("SEPAKAT_REPORTS", _beside(WAREHOUSE, "reports"))
"""Quality reports and great-expectations Data Docs, side by side so the report can link the docs: beside the
warehouse by default."""

EXPORTS = Location("SEPAKAT_EXPORTS", _beside(WAREHOUSE, "exports"))
"""The restricted per-regency exports: beside the warehouse by default (data/exports for the demo, git-ignored
with the rest of data/)."""

TRUTH = Location("SEPAKAT_TRUTH", _beside(LANDING, "truth"))
"""The generator's ground truth, read only by the evaluations: beside the landing folder by default, where
`sepakat generate` and `sepakat demo` put it. With real registries there is none, and the evaluations say so."""

PERSON_MODEL = Location("SEPAKAT_PERSON_MODEL", _committed_person_model)
"""The trained person model: the committed one by default; set it to train into a scratch folder before replacing
the committed model."""

ROLES = Location("SEPAKAT_ROLES", _beside(WAREHOUSE, "roles.yml"))
"""Who holds which Satu Data role and scope (sepakat_dagster/access/): a deployment's own file, beside the warehouse
by default. Without it nobody may export by name."""

ALERTS = Location("SEPAKAT_ALERTS", lambda: Path(os.environ.get("DAGSTER_HOME", ".")) / "alerts.jsonl")
"""Run-failure alert records: beside the Dagster instance by default, whose runs they describe."""


NATIONAL_WAREHOUSE = Location("SEPAKAT_NATIONAL_WAREHOUSE", lambda: DEFAULT_DATA_DIR / "national" / "warehouse.duckdb")
"""The national warehouse: the national pass's NIK index, cross-province links and roll-ups over every published
province warehouse (defs/national/)."""

NATIONAL_TRUTH = Location("SEPAKAT_NATIONAL_TRUTH", lambda: DEFAULT_DATA_DIR / "demo" / "national_truth")
"""A generated national sample's own truth (movers and namesakes across provinces), read only by the national
evaluation; where `sepakat demo --provinces` generates it."""


PROVINCES_SERVED = "SEPAKAT_PROVINCES"
"""The provinces this deployment refreshes (comma-separated codes), for the schedule and the delivery sensor."""


def served_provinces(landing: str, codes: Sequence[str]) -> list[str]:
    """The provinces the schedule and sensor look after, of `codes`: SEPAKAT_PROVINCES when set; otherwise, when the
    landing folder differs per province, every province with a landing folder; otherwise the demo province (a
    deployment whose locations name no province serves one, and says which in SEPAKAT_PROVINCES)."""
    if os.environ.get(PROVINCES_SERVED):
        return [code.strip() for code in os.environ[PROVINCES_SERVED].split(",") if code.strip()]
    if PROVINCE not in landing:
        return [DEMO_PROVINCE]
    return [code for code in codes if fill_province(landing, code, LANDING.variable).is_dir()]


def province_warehouse(province: str = DEMO_PROVINCE) -> Path:
    """One province's published warehouse file (the demo province's unless named: the default for code outside a
    Dagster run, such as dbt's environment and DuckDB's spill folder)."""
    return WAREHOUSE.path(province)


def run_environment(warehouse: Path | str, landing: Path | str, pseudonym_key: str | None = None) -> dict[str, str]:
    """The variables to set before loading the definitions for a run on `warehouse` and `landing` (paths, or
    templates holding `{province}`), so that its resources and dbt's subprocesses see them: reports beside the
    warehouse unless SEPAKAT_REPORTS is set already, and the pseudonym key when one is given (otherwise the
    environment's own, if any)."""
    environment = {WAREHOUSE.variable: str(warehouse), LANDING.variable: str(landing)}
    if not REPORTS.is_set():
        environment[REPORTS.variable] = str(Path(warehouse).parent / "reports")
    if pseudonym_key:
        environment[PSEUDONYM_KEY] = pseudonym_key
    return environment
