"""The gate catalogue: one great-expectations suite per stage output, stored as JSON in `expectations/`.

Each file is a plain great-expectations suite; its `meta.sepakat` says which asset it gates, which table to read,
which columns are personal, and the SQL for any `$PARAMETER` it compares against (row-count conservation needs
the count of the stage before). Checked when loaded, so a suite that could print a person never runs.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from sepakat_dagster.paths import REPO_ROOT

EXPECTATIONS_DIR = REPO_ROOT / "expectations"
STAGES = ("raw", "staging", "harmonised", "linkage", "marts")

# Column names that hold a person whatever the suite says (also with a _l/_r pair suffix): NIK, KK numbers,
# names, addresses, birth dates, coordinates, and free text or corrected values that may repeat any of them. Too
# broad is safe: it only narrows the expectations allowed and the columns previewed.
PERSONAL_NAME = re.compile(
    r"^(nik|no_kk|kk_number|nama\w*|\w*name\w*|alamat|address|rt|rw|\w*birth_date|tanggal_lahir|tgl_lahir|"
    r"latitude|longitude|value_before|value_after|remarks|keterangan|raw_line)(_[lr])?$"
)


def is_personal_column(name: str) -> bool:
    return bool(PERSONAL_NAME.match(name))


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


class GateDefinitionError(ValueError):
    """A suite file that cannot gate anything, or that could leak a person into its results."""


@dataclass(frozen=True)
class Gate:
    suite_name: str
    stage: str
    asset_key: tuple[str, ...]
    table: str
    description: str
    personal_columns: frozenset[str]
    parameters: dict[str, str]
    suite: dict  # the great-expectations suite exactly as stored
    path: Path

    @property
    def expectation_count(self) -> int:
        return len(self.suite["expectations"])

    def is_personal(self, column: str | None) -> bool:
        return column is not None and (column in self.personal_columns or is_personal_column(column))


def _columns(kwargs: dict) -> list[str]:
    columns = [kwargs["column"]] if "column" in kwargs else []
    columns += kwargs.get("column_list", [])
    columns += [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return columns


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
    if suite.get("name") != path.stem:
        raise GateDefinitionError(f"{path.name}: suite name {suite.get('name')!r} must equal the file name")
    gate = Gate(
        suite_name=suite["name"],
        stage=config["stage"],
        asset_key=tuple(config["asset"]),
        table=config["table"],
        description=config.get("description", ""),
        personal_columns=frozenset(config.get("personal_columns", [])),
        parameters=dict(config.get("parameters", {})),
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
            if isinstance(value, dict) and "$PARAMETER" in value and value["$PARAMETER"] not in gate.parameters:
                raise GateDefinitionError(
                    f"{path.name}: expectation {position} uses parameter {value['$PARAMETER']} with no SQL in "
                    "meta.sepakat.parameters"
                )
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
