"""The `sepakat` command: `refresh` parses its options, a failed refresh ends cleanly, and a province is
generated once.

A failed run is an outcome an operator acts on, so it must say what failed and where to look, exit non-zero, and
leave out what would bury that: Python tracebacks and the reference-leak warnings of an interpreter teardown.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from sepakat_dagster.cli import (
    _describe_failure,
    build_parser,
    ensure_generated,
    generator_fingerprint,
    local_pseudonym_key,
)
from sepakat_dagster.paths import REPO_ROOT

VENV_BIN = Path(sys.executable).parent
PSEUDONYM_KEY = "sepakat-test-pseudonym-key-0001"
RUN_TIMEOUT_S = 600  # a guard against a hung run, not a speed goal: a loaded 2-core machine took over 180 s


def test_refresh_accepts_its_options(tmp_path: Path):
    args = build_parser().parse_args(["refresh", "--province", "75", "--warehouse", str(tmp_path / "warehouse.duckdb"),
                                      "--landing", str(tmp_path / "landing"), "--log", str(tmp_path / "run.log")])
    assert args.command == "refresh"
    assert (args.province, args.warehouse, args.landing, args.log) == (
        "75", tmp_path / "warehouse.duckdb", tmp_path / "landing", tmp_path / "run.log")


def test_refresh_needs_a_province_of_the_national_reference(capsys):
    for argv in (["refresh"], ["refresh", "--province", "99"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(argv)
    args = build_parser().parse_args(["refresh", "--province", "31"])
    assert (args.warehouse, args.landing, args.log) == (None, None, None)  # the province's, when the command runs


def test_demo_takes_one_province_or_a_national_sample():
    assert build_parser().parse_args(["demo"]).province == "53"
    assert build_parser().parse_args(["demo", "--provinces", "53,75,31"]).provinces == ["53", "75", "31"]
    for wrong in ("53,53", "53,00", ""):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["demo", "--provinces", wrong])


def test_the_failure_names_blocking_checks_by_name_and_asset_and_never_their_values(tmp_path: Path):
    @dg.asset(key=["raw", "people"])
    def people() -> None:
        return None

    @dg.asset_check(asset=people, blocking=True)
    def nik_is_unique() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False, description="duplicated NIK 5301014505890001")

    @dg.asset_check(asset=people, name="spread", blocking=False)
    def spread() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)

    @dg.asset(deps=[people])
    def downstream() -> None:
        return None

    result = dg.materialize([people, downstream, nik_is_unique, spread], raise_on_error=False)
    message = _describe_failure(result, tmp_path / "refresh.log", {}, tmp_path / "warehouse.duckdb")

    assert not result.success
    assert "nik_is_unique on raw/people" in message
    assert "1 more checks failed at severity WARN" in message
    assert str(tmp_path / "refresh.log") in message and result.run_id in message
    assert "5301014505890001" not in message
    assert f"Nothing was published: {tmp_path / 'warehouse.duckdb'} has never been published." in message


def write_instance(home: Path) -> None:
    """The repository's dagster.yaml with its relative storage folders moved under `home`: the run history of
    the test stays out of the repository."""

    def relocate(node):
        if isinstance(node, dict):
            return {k: str(home / v) if k == "base_dir" else relocate(v) for k, v in node.items()}
        return node

    home.mkdir(parents=True)
    config = relocate(yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text()))
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))


def test_a_failed_refresh_names_the_failed_steps_and_the_log_without_a_traceback(tmp_path: Path):
    landing = tmp_path / "landing"  # empty: every source asset fails, nothing downstream runs
    landing.mkdir()
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    home = tmp_path / "dagster_home"
    write_instance(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEPAKAT_", "DAGSTER_"))} | {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DAGSTER_HOME": str(home),
        "SEPAKAT_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "SEPAKAT_REPORTS": str(tmp_path / "reports"),
    }
    completed = subprocess.run(
        [str(VENV_BIN / "sepakat"), "refresh", "--province", "53", "--warehouse", str(warehouse), "--landing",
         str(landing)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
    )

    log = warehouse.parent / "logs" / "refresh.log"
    assert completed.returncode == 1, completed.stderr
    assert "Failed steps:" in completed.stderr
    assert "raw__regsosek_individu (ingest stage)" in completed.stderr
    assert "Nothing was published" in completed.stderr
    assert str(log) in completed.stderr
    assert "make ui" in completed.stderr
    output = completed.stdout + completed.stderr
    assert "Traceback" not in output
    assert "Stack Trace" not in output
    assert "leak" not in output.lower()
    assert "no file matching" in log.read_text()  # the step errors are kept, in the log


def test_a_province_is_generated_once_in_a_child_process_and_again_for_other_parameters(tmp_path: Path):
    landing = ensure_generated(tmp_path, persons=300, seed=7, province="53")
    stamp = tmp_path / "generated.json"
    assert landing == tmp_path / "landing" and any(landing.rglob("*.csv"))
    assert json.loads(stamp.read_text())["parameters"] == {"persons": 300, "seed": 7, "province": "53",
                                                           "generator": generator_fingerprint()}
    files = {path: path.stat().st_mtime_ns for path in landing.rglob("*") if path.is_file()}

    assert ensure_generated(tmp_path, persons=300, seed=7, province="53") == landing
    assert {path: path.stat().st_mtime_ns for path in landing.rglob("*") if path.is_file()} == files

    ensure_generated(tmp_path, persons=300, seed=8, province="53")
    assert json.loads(stamp.read_text())["parameters"]["seed"] == 8
    assert all(path.stat().st_mtime_ns != mtime for path, mtime in files.items() if path.exists())

    # Files an older generator wrote (another fingerprint in the stamp) are made again.
    recorded = json.loads(stamp.read_text())
    recorded["parameters"]["generator"] = "an-older-generator"
    stamp.write_text(json.dumps(recorded))
    files = {path: path.stat().st_mtime_ns for path in landing.rglob("*") if path.is_file()}
    ensure_generated(tmp_path, persons=300, seed=8, province="53")
    assert json.loads(stamp.read_text())["parameters"]["generator"] == generator_fingerprint()
    assert all(path.stat().st_mtime_ns != mtime for path, mtime in files.items() if path.exists())


def test_a_province_refreshes_its_own_deliveries_without_ground_truth(demo_dir: Path, tmp_path_factory):
    from tests.deliveries import refreshed_delivery

    delivered = refreshed_delivery(demo_dir, tmp_path_factory)
    assert not (delivered.landing.parent / "truth").exists()
    assert delivered.completed.returncode == 0, delivered.completed.stderr[-3000:]
    assert "succeeded" in delivered.completed.stdout
    # The key came from the data folder's key file (no SEPAKAT_ variable was set) and was never printed.
    assert delivered.key_file.read_text().strip() not in delivered.completed.stdout + delivered.completed.stderr
    # The evaluations against a ground truth said there was none instead of failing the run.
    assert "No ground truth" in delivered.completed.stderr
    with duckdb.connect(str(delivered.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.targeting_list").fetchone()[0] > 0
        # The run the province started from, and this one.
        assert con.execute("select count(*) from history.runs where published_at is not null").fetchone()[0] == 2


def test_a_data_folder_makes_its_own_pseudonym_key_once(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SEPAKAT_PSEUDONYM_KEY", raising=False)
    key = local_pseudonym_key(tmp_path / "data")
    key_file = tmp_path / "data" / ".pseudonym_key"
    assert key and key_file.read_text().strip() == key
    assert key_file.stat().st_mode & 0o777 == 0o600  # readable by its owner only
    assert local_pseudonym_key(tmp_path / "data") == key  # kept: another key gives every person another pseudonym
    monkeypatch.setenv("SEPAKAT_PSEUDONYM_KEY", "set-by-the-deployment")
    assert local_pseudonym_key(tmp_path / "data") is None  # the environment's key wins
