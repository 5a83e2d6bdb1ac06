"""The targeting flags delivered back to the provinces' landing folders after the national pass publishes: what the
stale provinces receive, that nothing is written when nothing changed (the loop pass -> delivery -> refresh ->
pass ends), and that a change is written whole, over the published national warehouse of this folder's
fixture (conftest.py)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import dagster as dg
import duckdb

from sepakat_dagster.defs.national import definitions
from sepakat_dagster.defs.national.assets import FLAG_DELIVERIES_KEY, national_assets
from sepakat_dagster.defs.national.settings import FLAG_LISTED_ELSEWHERE, FLAGS_SOURCE
from sepakat_dagster.defs.sources.catalog import load_catalog
from tests.defs.national.helpers import PLANTED_NAMES, PLANTED_NIKS, province_warehouses


def _delivered(root: Path, province: str) -> list[Path]:
    return sorted((root / province / "landing").glob(load_catalog()[FLAGS_SOURCE].path))


def _rows(path: Path) -> list[tuple]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [tuple(row.values()) for row in csv.DictReader(handle)]


def _deliver_again(root: Path, warehouse: Path) -> dg.ExecuteInProcessResult:
    """The delivery step alone, over the published national warehouse `warehouse`."""
    step = next(asset for asset in national_assets()[0] if FLAG_DELIVERIES_KEY in asset.keys)
    return dg.materialize([step], resources=definitions.national_resources(province_warehouses(root), warehouse),
                          instance=dg.DagsterInstance.ephemeral())


def _provinces_written(result: dg.ExecuteInProcessResult) -> int:
    (materialization,) = result.asset_materializations_for_node("national__flag_deliveries")
    return materialization.metadata["provinces_written"].value


def test_each_stale_province_receives_the_records_another_province_lists(national, sample: Path):
    (in_53,), (in_75,) = _delivered(sample, "53"), _delivered(sample, "75")
    assert _rows(in_53) == [("dtks", "D-53-M1", "75", FLAG_LISTED_ELSEWHERE),
                            ("dtks", "D-53-M3", "31", FLAG_LISTED_ELSEWHERE)]
    assert _rows(in_75) == [("dtks", "D-75-M2", "31", FLAG_LISTED_ELSEWHERE)]  # not R-75-M1, which 75 lists
    assert _delivered(sample, "31") == []  # it lists both of its movers and never had a flag: nothing written
    text = in_53.read_text(encoding="utf-8") + in_75.read_text(encoding="utf-8")
    assert not [value for value in [*PLANTED_NIKS, *PLANTED_NAMES] if value in text]
    assert text.splitlines()[0] == ",".join(column.name for column in load_catalog()[FLAGS_SOURCE].columns)


def test_nothing_is_written_again_when_the_flags_did_not_change(national, sample: Path, tmp_path: Path):
    root = tmp_path / "sample"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("*.duckdb", "truth"))
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in root.glob("*/landing/**/*.csv")}

    result = _deliver_again(root, national[1])

    assert result.success
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in root.glob("*/landing/**/*.csv")} == before
    assert _provinces_written(result) == 0


def test_changed_flags_are_written_whole_and_gone_flags_as_an_empty_delivery(national, sample: Path, tmp_path: Path):
    root = tmp_path / "sample"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("*.duckdb", "truth"))
    warehouse = tmp_path / "national" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(national[1], warehouse)
    with duckdb.connect(str(warehouse)) as con:  # the next pass no longer finds the movers of 75 and 31
        con.execute("delete from national.targeting_flags where residence_province = '31'")

    result = _deliver_again(root, warehouse)

    assert result.success
    (in_53,), (in_75,) = _delivered(root, "53"), _delivered(root, "75")
    assert _rows(in_53) == [("dtks", "D-53-M1", "75", FLAG_LISTED_ELSEWHERE)]
    assert _rows(in_75) == []  # a header alone: the province drops its last flag on its next refresh
    assert not list(root.glob("*/landing/**/.*.partial"))
    assert _provinces_written(result) == 2
