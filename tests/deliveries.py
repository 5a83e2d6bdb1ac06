"""A province run as an operator runs it on its own deliveries, once per session: the real `sepakat refresh` in a
process group of its own, typed with relative paths from its working folder, with no SEPAKAT_ variable at all (no
ground truth; the pseudonym key in the data folder's own key file), and a DAGSTER_HOME of its own.

It starts from what the session's uninterrupted run of the whole graph published (warehouse, exports, reports). Then
refreshes are SIGKILLed inside every stage in turn, and one refresh runs to the end and publishes. One refresh
serves three tests: kill safety (tests/defs/publish/test_kill_safety.py), the refresh on delivered files
(tests/test_cli.py) and `sepakat status` (tests/test_status.py). A refresh of the 4,000-person province costs about
a minute and a half on two cores, so the suite runs it once, not once per test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

KILLED_STAGES = ("ingest", "gates", "harmonise", "link", "marts", "report")


@dataclass
class Delivered:
    folder: Path  # the working folder the commands run in
    landing: Path
    home: Path  # DAGSTER_HOME
    published_before: dict[str, str] = field(default_factory=dict)  # file digests before the first kill
    marts_before: dict[str, tuple] = field(default_factory=dict)
    seen_after_kill: dict[str, dict[str, str]] = field(default_factory=dict)  # stage -> file digests
    killed: dict[str, str] = field(default_factory=dict)  # stage -> run id
    completed: subprocess.CompletedProcess | None = None  # the refresh that ran to the end

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def key_file(self) -> Path:
        return self.data_dir / ".pseudonym_key"

    def environment(self) -> dict[str, str]:
        """The command's environment: no SEPAKAT_ variable at all (no key, no locations), a DAGSTER_HOME of its own."""
        from tests.test_cli import VENV_BIN

        return {k: v for k, v in os.environ.items() if not k.startswith(("SEPAKAT_", "DAGSTER_"))} | {
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "DAGSTER_HOME": str(self.home)}

    def refresh_command(self) -> list[str]:
        from tests.test_cli import VENV_BIN

        return [str(VENV_BIN / "sepakat"), "refresh", "--province", "53", "--landing", "delivered/landing",
                "--data-dir", "data"]

    def sepakat(self, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
        from tests.test_cli import VENV_BIN

        return subprocess.run([str(VENV_BIN / "sepakat"), *arguments], cwd=self.folder, env=self.environment(),
                              capture_output=True, text=True, timeout=timeout)


def file_digests(data_dir: Path) -> dict[str, str]:
    """What readers see, byte for byte: the published warehouse, the exports and the reports."""
    paths = [data_dir / "warehouse.duckdb", *sorted((data_dir / "reports").glob("latest*.html")),
             *sorted((data_dir / "reports" / "regencies").rglob("*")), *sorted((data_dir / "exports").rglob("*"))]
    return {str(path.relative_to(data_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in paths if path.is_file() and path.name != "export_log.jsonl"}


def history_readers() -> set[str]:
    """The marts tagged `reads_history` (a baseline from the first published run): a second publication of the same
    data changes their baseline columns by design, so only their row counts are compared."""
    import json

    from sepakat_dagster.defs.dbt.project import sepakat_dbt_project

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


def kill_inside(province: Delivered, stage: str, instance: dg.DagsterInstance, graph) -> str:
    """Start a refresh, SIGKILL its process group once a step of `stage` has started; the killed run's id."""
    from sepakat_dagster.defs.stages import step_stages
    from tests.test_cli import RUN_TIMEOUT_S

    known = {run.run_id for run in instance.get_runs()}
    process = subprocess.Popen(province.refresh_command(), cwd=province.folder, env=province.environment(),
                               start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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


def _published_copy(demo_dir: Path, tmp_path_factory) -> Delivered:
    """The working folder: delivered/landing (the registries without their ground truth), data/ holding what the
    session's whole-graph run published and the key that run used, and a DAGSTER_HOME of its own."""
    from tests.defs.marts.helpers import PSEUDONYM_KEY, materialised_pipeline
    from tests.test_cli import write_instance

    pipeline = materialised_pipeline(demo_dir, tmp_path_factory)
    folder = tmp_path_factory.mktemp("delivered_province")
    province = Delivered(folder, folder / "delivered" / "landing", folder / "dagster_home")
    shutil.copytree(demo_dir / "landing", province.landing)
    province.data_dir.mkdir()
    shutil.copyfile(pipeline.warehouse, province.warehouse)
    shutil.copytree(pipeline.exports, province.data_dir / "exports")
    reports = pipeline.warehouse.parent / "reports"
    shutil.copytree(reports, province.data_dir / "reports", ignore=shutil.ignore_patterns("data_docs", "report-*"))
    province.key_file.write_text(PSEUDONYM_KEY)
    province.key_file.chmod(0o600)
    write_instance(province.home)
    return province


_REFRESHED: dict[Path, Delivered] = {}


def refreshed_delivery(demo_dir: Path, tmp_path_factory) -> Delivered:
    """The province after a refresh killed inside each stage and one uninterrupted refresh; once per session."""
    from sepakat_dagster.definitions import defs
    from sepakat_dagster.duckdb_limits import with_environment
    from tests.test_cli import RUN_TIMEOUT_S

    if demo_dir in _REFRESHED:
        return _REFRESHED[demo_dir]
    province = _published_copy(demo_dir, tmp_path_factory)
    province.published_before = file_digests(province.data_dir)
    province.marts_before = mart_hashes(province.warehouse)
    graph = defs().resolve_asset_graph()
    with with_environment({"DAGSTER_HOME": str(province.home)}), dg.DagsterInstance.get() as instance:
        for stage in KILLED_STAGES:
            province.killed[stage] = kill_inside(province, stage, instance, graph)
            province.seen_after_kill[stage] = file_digests(province.data_dir)
    province.completed = subprocess.run(province.refresh_command(), cwd=province.folder, env=province.environment(),
                                        capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    _REFRESHED[demo_dir] = province
    return province
