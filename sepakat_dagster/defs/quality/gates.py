"""The gate catalogue: one great-expectations suite per stage output, stored as JSON in `expectations/`.

Each file is a plain great-expectations suite; its `meta.sepakat` says which asset it gates, which table to read,
and the SQL for any `$PARAMETER` it compares against (row-count conservation needs the count of the stage before; a
decile band, a code list or the programmes come from the seeds that hold them, so no rule is written twice). Which
columns are personal is not the suite's to say: `sepakat_dagster/defs/personal.py` decides it for every consumer.
Checked when loaded, so a suite that could print a person never runs, and a blocking expectation whose threshold
would not scale to a 5.5-million-person province never gates a refresh.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sepakat_dagster.defs.personal import is_personal_column
from sepakat_dagster.paths import REPO_ROOT, SEEDS_DIR

if TYPE_CHECKING:
    import duckdb

EXPECTATIONS_DIR = REPO_ROOT / "expectations"
# In a parameter's SQL, `{seeds}` is the dbt seeds folder: raw gates run before dbt loads the seeds into the
# warehouse, so they read the seed files themselves (as the loader does for region codes); later stages read the
# reference tables dbt built from them.
SEEDS_PLACEHOLDER = "{seeds}"
STAGES = ("raw", "staging", "harmonised", "linkage", "marts")

# On a personal column only expectations whose results are counts and shares are allowed; min, max, distinct
# values or quantiles would put a person's value in the result.
COUNT_ONLY_EXPECTATIONS = frozenset({
    "expect_column_to_exist",
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_values_to_be_unique",
    "expect_column_value_lengths_to_equal",
    "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_match_like_pattern",
    "expect_column_values_to_not_match_like_pattern",
    "expect_column_proportion_of_non_null_values_to_be_between",
    "expect_column_proportion_of_unique_values_to_be_between",
    "expect_column_unique_value_count_to_be_between",
    "expect_compound_columns_to_be_unique",
    "expect_select_column_values_to_be_unique_within_record",
})


# Expectations whose threshold is a share or a divergence by definition, so it means the same at 4,000 persons as
# at 5.5 million; a row count bounded by a `$PARAMETER` (a count the pipeline measures) scales the same way.
SCALED_EXPECTATIONS = frozenset({
    "expect_column_kl_divergence_to_be_less_than",
    "expect_column_proportion_of_non_null_values_to_be_between",
    "expect_column_proportion_of_unique_values_to_be_between",
})
ROW_COUNT_BETWEEN = "expect_table_row_count_to_be_between"


class GateDefinitionError(ValueError):
    """A suite file that cannot gate anything, or that could leak a person into its results."""


@dataclass(frozen=True)
class Gate:
    suite_name: str
    stage: str
    asset_key: tuple[str, ...]
    table: str
    description: str
    parameters: dict[str, str]
    suite: dict  # the great-expectations suite exactly as stored
    path: Path

    @property
    def expectation_count(self) -> int:
        return len(self.suite["expectations"])

    @staticmethod
    def is_personal(column: str | None) -> bool:
        """Whether an expectation's column (None for a table-level one) is personal, by the one definition."""
        return column is not None and is_personal_column(column)

    def parameter_values(self, con: duckdb.DuckDBPyConnection) -> dict:
        """Each `$PARAMETER`'s value, its SQL run on `con` (the warehouse) just before the suite, so a count, a
        band or a list is what the warehouse and the seeds hold now, never a copy in the suite."""
        return {name: con.execute(sql).fetchone()[0] for name, sql in self.parameters.items()}


def _columns(kwargs: dict) -> list[str]:
    columns = [kwargs["column"]] if "column" in kwargs else []
    columns += kwargs.get("column_list", [])
    columns += [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return columns


def _is_parameter(value: object) -> bool:
    return isinstance(value, dict) and "$PARAMETER" in value


def _threshold_problem(expectation: dict) -> str | None:
    """Why a blocking expectation's threshold is not allowed, or None.

    A province of 5.5 million persons once failed its nightly refresh on 7 records. So a critical (blocking)
    expectation must either tolerate a rate of bad rows (`mostly` below 1), be a rate or measured count by its
    type, or be an invariant the pipeline's own code guarantees (`meta.invariant: true`), where one violation is
    a bug. Either way `meta.why` says why the threshold is what it is, for the reviewer and the forum.
    """
    if expectation.get("severity", "critical") != "critical":
        return None
    meta = expectation.get("meta") or {}
    if not str(meta.get("why") or "").strip():
        return "has no meta.why: say why its threshold is what it is"
    kwargs = expectation.get("kwargs", {})
    mostly = kwargs.get("mostly")
    is_rate = isinstance(mostly, int | float) and not isinstance(mostly, bool) and 0 < mostly < 1
    invariant = meta.get("invariant") is True
    if invariant and is_rate:
        return "is marked invariant but tolerates a rate (mostly); an invariant holds for every row"
    scaled = expectation.get("type") in SCALED_EXPECTATIONS or (
        expectation.get("type") == ROW_COUNT_BETWEEN
        and any(_is_parameter(kwargs.get(bound)) for bound in ("min_value", "max_value"))
    )
    if invariant or is_rate or scaled:
        return None
    return ("is a zero-tolerance count that a handful of records would trip on a large province: give it a rate "
            "(kwargs.mostly below 1) or, if the pipeline's code guarantees it, meta.invariant: true")


def parse_gate(path: Path) -> Gate:
    suite = json.loads(path.read_text(encoding="utf-8"))
    config = suite.get("meta", {}).get("sepakat")
    if not config:
        raise GateDefinitionError(f"{path.name}: meta.sepakat (asset, table, stage) is missing")
    missing = [k for k in ("stage", "asset", "table") if k not in config]
    if missing:
        raise GateDefinitionError(f"{path.name}: meta.sepakat lacks {', '.join(missing)}")
    if config["stage"] not in STAGES:
        raise GateDefinitionError(f"{path.name}: stage {config['stage']!r} is not one of {', '.join(STAGES)}")
    if "personal_columns" in config:
        raise GateDefinitionError(f"{path.name}: meta.sepakat.personal_columns is not read; personal columns are "
                                  "decided in one place, sepakat_dagster/defs/personal.py")
    if suite.get("name") != path.stem:
        raise GateDefinitionError(f"{path.name}: suite name {suite.get('name')!r} must equal the file name")
    gate = Gate(
        suite_name=suite["name"],
        stage=config["stage"],
        asset_key=tuple(config["asset"]),
        table=config["table"],
        description=config.get("description", ""),
        parameters={name: sql.replace(SEEDS_PLACEHOLDER, str(SEEDS_DIR).replace("'", "''"))
                    for name, sql in config.get("parameters", {}).items()},
        suite=suite,
        path=path,
    )
    for position, expectation in enumerate(suite.get("expectations", []), start=1):
        kind = expectation.get("type", "")
        for column in _columns(expectation.get("kwargs", {})):
            if gate.is_personal(column) and kind not in COUNT_ONLY_EXPECTATIONS:
                raise GateDefinitionError(
                    f"{path.name}: expectation {position} ({kind}) on personal column {column} could put a "
                    "value in the results; use a count-only expectation"
                )
        for value in expectation.get("kwargs", {}).values():
            if _is_parameter(value) and value["$PARAMETER"] not in gate.parameters:
                raise GateDefinitionError(
                    f"{path.name}: expectation {position} uses parameter {value['$PARAMETER']} with no SQL in "
                    "meta.sepakat.parameters"
                )
        problem = _threshold_problem(expectation)
        if problem:
            on = ", ".join(_columns(expectation.get("kwargs", {})))
            raise GateDefinitionError(f"{path.name}: expectation {position} ({kind}{' on ' + on if on else ''}) "
                                      f"{problem}")
    if not suite.get("expectations"):
        raise GateDefinitionError(f"{path.name}: the suite has no expectations")
    return gate


@functools.cache
def load_gates(directory: Path = EXPECTATIONS_DIR) -> tuple[Gate, ...]:
    gates = tuple(parse_gate(path) for path in sorted(directory.glob("*.json")))
    seen: dict[tuple[str, ...], str] = {}
    for gate in gates:
        if gate.asset_key in seen:
            raise GateDefinitionError(f"{gate.path.name} and {seen[gate.asset_key]} gate the same asset")
        seen[gate.asset_key] = gate.path.name
    return gates


def stage_by_asset() -> dict[str, str]:
    """'schema/table' -> stage, for reports that group the gates by stage."""
    return {"/".join(gate.asset_key): gate.stage for gate in load_gates()}
