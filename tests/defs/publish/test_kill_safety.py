"""Kill safety: a refresh killed with SIGKILL inside any stage changes nothing readers see, leaves nothing behind
once the next refresh has run, and is recorded as failed; the next refresh publishes what an uninterrupted one
does. After these real runs of the command, the pseudonym key is nowhere on disk.

Each refresh is the real `sepakat refresh` command in a process group of its own (dbt's process included), on the
session's small generated province, starting from what the session's uninterrupted run of the whole graph
published. The test watches the run's events in the Dagster instance and kills the group as soon as a step of the
chosen stage has started.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sepakat_dagster.definitions import defs
from sepakat_dagster.defs.dbt.project import sepakat_dbt_project
from sepakat_dagster.defs.stages import step_stages
from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.defs.marts.helpers import PSEUDONYM_KEY, materialised_pipeline
from tests.test_cli import RUN_TIMEOUT_S, VENV_BIN, write_instance

KILLED_STAGES = ("ingest", "gates", "harmonise", "link", "marts", "report")
LEFTOVER_SUFFIXES = (".wal", ".tmp", ".partial", ".replaced", ".lock")


@dataclass
class Province:
    folder: Path
    landing: Path
    truth: Path
    home: Path

    @property
    def warehouse(self) -> Path:
        return self.folder / "warehouse.duckdb"

    def environment(self) -> dict[str, str]:
        return {k: v for k, v in os.environ.items() if not k.startswith(("SEPAKAT_", "DAGSTER_"))} | {
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DAGSTER_HOME": str(self.home),
            "SEPAKAT_PSEUDONYM_KEY": PSEUDONYM_KEY,
            "SEPAKAT_TRUTH": str(self.truth),
            "SEPAKAT_REPORTS": str(self.folder / "reports"),
        }

    def start(self) -> subprocess.Popen:
        command = [str(VENV_BIN / "sepakat"), "refresh", "--warehouse", str(self.warehouse),
                   "--landing", str(self.landing)]
        return subprocess.Popen(command, cwd=self.folder, env=self.environment(), start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def refresh(self) -> str:
        process = self.start()
        output, _ = process.communicate(timeout=RUN_TIMEOUT_S)
        assert process.returncode == 0, output
        return output


def file_digests(folder: Path) -> dict[str, str]:
    """What readers see, byte for byte: the published warehouse, the exports and the report."""
    paths = [folder / "warehouse.duckdb", folder / "reports" / "latest.html", *sorted((folder / "exports").rglob("*"))]
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in paths if path.is_file()}


def history_readers() -> set[str]:
    """The marts tagged `reads_history` (a baseline from the first published run): a second publication of the same
    data changes their baseline columns by design, so only their row counts are compared."""
    manifest = json.loads(sepakat_dbt_project().manifest_path.read_text(encoding="utf-8"))
    return {node["name"] for node in manifest["nodes"].values() if "reads_history" in node.get("tags", [])}


def mart_hashes(warehouse: Path) -> dict[str, tuple]:
    """Each published mart's row count and an order-independent hash of its rows (of marts that read the history,
    the row count only)."""
    readers = history_readers()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        return {table: con.execute(f"select count(*){'' if table in readers else ', bit_xor(hash(t))'} "
                                   f"from marts.{table} t").fetchone()
                for table in tables}


def kill_inside(province: Province, stage: str, instance: dg.DagsterInstance, graph) -> str:
    """Start a refresh, SIGKILL its process group once a step of `stage` has started; the killed run's id."""
    known = {run.run_id for run in instance.get_runs()}
    process = province.start()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the refresh ended before its {stage} stage:\n{process.stdout.read()}"
        runs = [run for run in instance.get_runs() if run.run_id not in known]
        if runs:
            run_id = runs[0].run_id
            started = {entry.step_key for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START)}
            stages = step_stages(instance, run_id, graph)
            if any(stages.get(step) == stage for step in started):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return run_id
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError(f"no {stage} step started within {RUN_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def province(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Province:
    """A copy of what the session's uninterrupted run of the whole graph published (warehouse, exports, report),
    with a run history of its own."""
    pipeline = materialised_pipeline(demo_dir, tmp_path_factory)
    folder = tmp_path_factory.mktemp("kill")
    shutil.copyfile(pipeline.warehouse, folder / "warehouse.duckdb")
    shutil.copytree(pipeline.exports, folder / "exports")
    (folder / "reports").mkdir()
    shutil.copyfile(pipeline.warehouse.parent / "reports" / "latest.html", folder / "reports" / "latest.html")
    home = folder / "dagster_home"
    write_instance(home)
    return Province(folder, demo_dir / "landing", demo_dir / "truth", home)


def test_a_refresh_killed_in_any_stage_changes_nothing_and_the_next_one_publishes_the_same(
        province: Province, monkeypatch: pytest.MonkeyPatch):
    published = file_digests(province.warehouse.parent)
    uninterrupted = mart_hashes(province.warehouse)
    assert {"targeting_list", "spm_indicators_published", "budget_reallocation"} <= set(uninterrupted)

    monkeypatch.setenv("DAGSTER_HOME", str(province.home))
    graph = defs().resolve_asset_graph()
    killed = {}
    with dg.DagsterInstance.get() as instance:
        for stage in KILLED_STAGES:
            killed[stage] = kill_inside(province, stage, instance, graph)
            assert file_digests(province.warehouse.parent) == published, f"killed in {stage}: readers saw a change"

        output = province.refresh()
        statuses = {stage: instance.get_run_by_id(run_id).status for stage, run_id in killed.items()}

    assert statuses == {stage: dg.DagsterRunStatus.FAILURE for stage in KILLED_STAGES}
    # Each refresh marks the one killed before it; the last killed run is marked by the uninterrupted refresh.
    assert f"Run {killed[KILLED_STAGES[-1]]} was interrupted" in output
    assert mart_hashes(province.warehouse) == uninterrupted
    leftovers = [path for path in province.folder.rglob("*")
                 if path.name.endswith(LEFTOVER_SUFFIXES) or path.name == "candidate"]
    assert leftovers == []
    assert not list((province.folder / "duckdb_spill").glob("*"))
    # The pseudonym key reached every run through the environment only: not in dbt's target folder, the run
    # history (Dagster's home) or anything the runs wrote beside the warehouse.
    key = PSEUDONYM_KEY.encode()
    places = [province.home, province.folder, DBT_PROJECT_DIR / "target"]
    assert [path for place in places for path in place.rglob("*") if path.is_file() and key in path.read_bytes()] \
        == []
