"""Kill safety: a refresh killed with SIGKILL inside any stage changes nothing readers see, leaves nothing behind
once the next refresh has run, and is recorded as failed; the next refresh publishes what an uninterrupted one
does. After these real runs of the command, the pseudonym key is nowhere on disk but in its own key file.

The refreshes are those of the province run on its own deliveries (tests/deliveries.py): the real `sepakat refresh`
in a process group of its own (dbt's process included), starting from what the session's uninterrupted run of the
whole graph published. The province watches each run's events in the Dagster instance and kills the group as soon
as a step of the chosen stage has started.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.defs.marts.helpers import PSEUDONYM_KEY
from tests.deliveries import KILLED_STAGES, Delivered, mart_hashes, refreshed_delivery

LEFTOVER_SUFFIXES = (".wal", ".tmp", ".partial", ".replaced", ".lock")


@pytest.fixture(scope="module")
def province(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Delivered:
    return refreshed_delivery(demo_dir, tmp_path_factory)


def test_a_refresh_killed_in_any_stage_changes_nothing_and_the_next_one_publishes_the_same(
        province: Delivered, monkeypatch: pytest.MonkeyPatch):
    assert {"targeting_list", "spm_indicators_published", "budget_reallocation"} <= set(province.marts_before)
    for stage in KILLED_STAGES:
        assert province.seen_after_kill[stage] == province.published_before, f"killed in {stage}: readers saw a change"

    assert province.completed.returncode == 0, province.completed.stdout + province.completed.stderr[-3000:]
    monkeypatch.setenv("DAGSTER_HOME", str(province.home))
    with dg.DagsterInstance.get() as instance:
        statuses = {stage: instance.get_run_by_id(run_id).status for stage, run_id in province.killed.items()}
    assert statuses == {stage: dg.DagsterRunStatus.FAILURE for stage in KILLED_STAGES}
    # Each refresh marks the one killed before it; the last killed run is marked by the uninterrupted refresh.
    assert f"Run {province.killed[KILLED_STAGES[-1]]} was interrupted" in province.completed.stdout
    assert mart_hashes(province.warehouse) == province.marts_before
    leftovers = [path for path in province.folder.rglob("*")
                 if path.name.endswith(LEFTOVER_SUFFIXES) or path.name == "candidate"]
    assert leftovers == []
    assert not list((province.data_dir / "duckdb_spill").glob("*"))
    # The pseudonym key reached every run from its key file only: not in dbt's target folder, the run history
    # (Dagster's home) or anything the runs wrote beside the warehouse.
    key = PSEUDONYM_KEY.encode()
    places = [province.home, province.folder, DBT_PROJECT_DIR / "target"]
    assert [path for place in places for path in place.rglob("*")
            if path.is_file() and path != province.key_file and key in path.read_bytes()] == []
