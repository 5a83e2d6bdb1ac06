"""`sepakat status` on a province refreshed from its own deliveries (tests/deliveries.py): the published run and its
deliveries, the refresh runs with what failed in them, and the deliveries waiting, new or changed; never a value."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.deliveries import Delivered, refreshed_delivery

NIK_IN_A_CHECK = "5301014505890001"


@pytest.fixture(scope="module")
def delivered(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Delivered:
    delivered = refreshed_delivery(demo_dir, tmp_path_factory)
    assert delivered.completed.returncode == 0, delivered.completed.stderr[-3000:]
    return delivered


def _published_run(delivered: Delivered) -> str:
    with duckdb.connect(str(delivered.warehouse), read_only=True) as con:
        return con.execute("select run_id from history.runs where published_at is not null "
                           "order by published_at desc limit 1").fetchone()[0]


def test_status_names_the_published_run_its_deliveries_and_nothing_waiting(delivered: Delivered):
    completed = delivered.sepakat("status", "--data-dir", "data", "--landing", "delivered/landing")
    assert completed.returncode == 0, completed.stderr
    run_id = _published_run(delivered)
    assert f"Last published run: {run_id}" in completed.stdout
    assert f"{run_id} " in completed.stdout and "SUCCESS (published)" in completed.stdout
    assert "regsosek/regsosek_keluarga_" in completed.stdout  # a delivery the run used, by file name
    assert "Deliveries waiting in" in completed.stdout and "none (every source's newest file" in completed.stdout


def test_a_new_and_a_changed_delivery_wait_until_published(delivered: Delivered, tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(delivered.landing, landing)
    (sipd,) = landing.glob("sipd/sipd_apbd_*.csv")
    newer = sipd.with_name("sipd_apbd_2026.csv")  # a newer vintage: a new file
    newer.write_bytes(sipd.read_bytes() + b"\n")
    shutil.copyfile(sipd, sipd.with_name("sipd_apbd_2027.csv.bak"))  # not the source's pattern: not a delivery
    (dtks,) = landing.glob("dtks/DTKS_ART_*.csv")
    with dtks.open("a", encoding="utf-8") as handle:  # the same file delivered again, changed
        handle.write("\n")
    (musdes,) = landing.glob("musdes/*")
    musdes.unlink()  # a source with nothing delivered

    completed = delivered.sepakat("status", "--data-dir", "data", "--landing", str(landing))
    assert completed.returncode == 0, completed.stderr
    waiting = completed.stdout.split("Deliveries waiting in", 1)[1]
    assert "sipd/sipd_apbd_2026.csv (new file)" in waiting
    assert f"dtks/{dtks.name} (changed since published)" in waiting
    assert "regsosek" not in waiting and ".bak" not in waiting
    assert "Sources with no file in the landing folder: musdes_usulan" in waiting


def test_failed_checks_of_a_refresh_are_listed_by_name_never_with_their_values(delivered: Delivered, monkeypatch):
    @dg.asset(key=["raw", "people"])
    def people() -> None:
        return None

    @dg.asset_check(asset=people, blocking=True)
    def nik_is_unique() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False, description=f"duplicated NIK {NIK_IN_A_CHECK}")

    @dg.asset(deps=[people])
    def downstream() -> None:
        return None

    job = dg.Definitions(assets=[people, downstream], asset_checks=[nik_is_unique],
                         jobs=[dg.define_asset_job("refresh")]).resolve_job_def("refresh")
    monkeypatch.setenv("DAGSTER_HOME", str(delivered.home))
    with dg.DagsterInstance.get() as instance:
        failed = job.execute_in_process(instance=instance, raise_on_error=False)
    assert not failed.success

    completed = delivered.sepakat("status", "--data-dir", "data", "--landing", "delivered/landing")
    assert completed.returncode == 0, completed.stderr
    runs = completed.stdout.split("Last refresh runs", 1)[1].split("Deliveries waiting", 1)[0]
    assert runs.index(failed.run_id) < runs.index(_published_run(delivered))  # newest first
    assert "failed check: nik_is_unique on raw/people" in runs
    assert NIK_IN_A_CHECK not in completed.stdout + completed.stderr


def test_without_a_published_run_or_an_instance_status_says_so(tmp_path: Path, delivered: Delivered):
    from tests.test_cli import VENV_BIN

    environment = {k: v for k, v in delivered.environment().items() if k != "DAGSTER_HOME"}
    completed = subprocess.run([str(VENV_BIN / "sepakat"), "status", "--warehouse", str(tmp_path / "warehouse.duckdb"),
                                "--landing", str(tmp_path / "landing")], env=environment, capture_output=True,
                               text=True, timeout=120, cwd=tmp_path, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "Last published run: none" in completed.stdout
    assert "DAGSTER_HOME is not set" in completed.stdout
    assert os.path.basename(str(tmp_path / "landing")) in completed.stdout
