"""The candidate warehouse: a run's writes stay private until publication swaps them in whole."""

import contextlib
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from sepakat_dagster.defs.publish.candidate import Candidate, CandidateError, candidate_folder, recover


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def published(tmp_path: Path) -> Path:
    path = tmp_path / "wh" / "warehouse.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select 1 as x")
    return path


def write(candidate: Candidate, value: int) -> None:
    with duckdb.connect(str(candidate.database)) as con:
        con.execute(f"create or replace table t as select {value} as x")


def read(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select x from t").fetchone()[0]


def test_a_run_writes_its_copy_and_publication_swaps_it_in_with_the_staged_files(published):
    before = digest(published)
    exports = published.parent / "exports" / "lists"
    exports.mkdir(parents=True)
    (exports / "old.csv").write_text("old")

    candidate = Candidate.open(published, "run-1")
    write(candidate, 2)
    staged = candidate.stage(exports)
    staged.mkdir()
    (staged / "new.csv").write_text("new")
    report = candidate.stage(published.parent / "latest.html")
    report.write_text("<p>run-1</p>")
    assert digest(published) == before  # nothing visible yet

    candidate.publish()
    assert read(published) == 2
    assert [p.name for p in exports.iterdir()] == ["new.csv"]
    assert (published.parent / "latest.html").read_text() == "<p>run-1</p>"
    assert not candidate_folder(published).exists()
    assert sorted(p.name for p in published.parent.iterdir()) == ["exports", "latest.html", "warehouse.duckdb"]


def test_a_discarded_candidate_leaves_the_published_file_byte_for_byte_and_nothing_behind(published):
    before = digest(published)
    candidate = Candidate.open(published, "run-1")
    write(candidate, 3)
    candidate.stage(published.parent / "latest.html").write_text("never published")
    candidate.discard()
    assert digest(published) == before
    assert sorted(p.name for p in published.parent.iterdir()) == ["warehouse.duckdb"]


def test_one_run_at_a_time_builds_a_candidate(published):
    first = Candidate.open(published, "run-1")
    with pytest.raises(CandidateError, match="Another run is building a candidate"):
        Candidate.open(published, "run-2")
    first.discard()
    Candidate.open(published, "run-3").discard()


def test_what_a_dead_run_left_is_cleared_by_the_next(published):
    folder = candidate_folder(published)
    folder.mkdir()
    (folder / "warehouse.duckdb").write_bytes(b"half written")
    (folder / "duckdb_spill").mkdir()
    (folder / ".lock").write_text("run-0 12345\n")  # its holder is gone: the kernel released the lock
    candidate = Candidate.open(published, "run-1")
    assert read(candidate.database) == 1
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "warehouse.duckdb"]
    candidate.discard()


def test_a_publication_cut_short_after_its_journal_is_finished_by_the_next_run(published):
    # What a run killed in the middle of publishing leaves: its candidate, its journal, and the first move made.
    folder = candidate_folder(published)
    folder.mkdir()
    database = folder / published.name
    shutil.copyfile(published, database)
    with duckdb.connect(str(database)) as con:
        con.execute("create or replace table t as select 4 as x")
    report = folder / "0-latest.html"
    moves = [{"source": str(report), "destination": str(published.parent / "latest.html")},
             {"source": str(database), "destination": str(published)}]
    (folder / "publish.json").write_text(json.dumps({"run_id": "run-1", "moves": moves}))
    (published.parent / "latest.html").write_text("run-1")

    finished = recover(published)
    assert [move.destination.name for move in finished] == ["latest.html", "warehouse.duckdb"]
    assert read(published) == 4
    Candidate.open(published, "run-2").discard()
    assert sorted(p.name for p in published.parent.iterdir()) == ["latest.html", "warehouse.duckdb"]


@contextlib.contextmanager
def small_filesystem(folder: Path, size: str):
    """A tmpfs of `size` mounted at `folder`: a real disk that fills up or turns read-only. Needs root."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode:
        pytest.skip("mounting a small file system needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_is_said_in_words_and_publishes_nothing(tmp_path):
    with small_filesystem(tmp_path / "disk", "4m") as disk:
        published = disk / "warehouse.duckdb"
        with duckdb.connect(str(published)) as con:
            con.execute("create table t as select range as x from range(150000)")
        ballast = disk / "ballast"
        ballast.write_bytes(b"\0" * max(0, 4 * 2**20 - published.stat().st_size - 2**19))
        before = digest(published)
        with pytest.raises(CandidateError, match="No space left") as raised:
            Candidate.open(published, "run-1")
        assert "Nothing was published" in str(raised.value)
        assert digest(published) == before
        assert sorted(p.name for p in disk.iterdir()) == ["ballast", "warehouse.duckdb"]


def test_a_read_only_warehouse_folder_is_said_in_words(tmp_path):
    with small_filesystem(tmp_path / "disk", "4m") as disk:
        published = disk / "warehouse.duckdb"
        with duckdb.connect(str(published)) as con:
            con.execute("create table t as select 1 as x")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises(CandidateError, match="read-only"):
            Candidate.open(published, "run-1")
