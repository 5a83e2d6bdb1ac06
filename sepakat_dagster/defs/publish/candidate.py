"""Write, audit, publish: a run writes a private candidate, and readers only ever see what was published whole.

Readers (the report, `sepakat summary` and `export`, the regencies' export folders, the Dagster UI) open the
published warehouse file. A run never writes it. It works on a candidate: a copy of the published file in the
`candidate/` folder beside it, together with every file it will publish beside the warehouse (the targeting list
exports, the report's `latest.html`). When every blocking gate of the run has passed, `publish` swaps them in by
renaming, which is atomic on one file system; a failed, killed or interrupted run leaves the published files byte
for byte as they were, and the next run clears what it left.

Why a copied file and not candidate schemas in the published file: DuckDB admits one writer per file, so a
candidate inside the published file would lock readers out for the whole refresh (15 minutes for a province), and a
failed run would leave its half-built schemas in the file readers open. A copy costs one sequential read and write
of the file (docs/quality.md gives the figures); the rename costs nothing, and readers that opened the old file
keep reading it until they close it.

Publishing more than one file is made atomic by a journal: `publish` first writes the list of moves, fsynced, then
makes them. A run killed between two moves is finished by the next run (roll forward), which finds the journal
before it clears the folder. One run at a time: the folder's lock file is held with `flock` for as long as the
candidate is open, so the kernel releases it when the process dies, and the next run knows the folder is stale.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = "candidate"
LOCK = ".lock"
JOURNAL = "publish.json"
REPLACED = ".replaced"


class CandidateError(RuntimeError):
    """A candidate that cannot be made or published. The message says which file and why, and what to do."""


@dataclass(frozen=True)
class Move:
    """One file or folder to publish: `source` inside the candidate folder replaces `destination`."""

    source: Path
    destination: Path


@dataclass
class Candidate:
    """The run's private copy of the warehouse, and the files staged to be published with it."""

    published: Path
    run_id: str
    _lock: int | None = None
    _staged: list[Move] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return candidate_folder(self.published)

    @property
    def database(self) -> Path:
        """The candidate warehouse, with the published file's name: dbt's manifest knows the database by its stem."""
        return self.folder / self.published.name

    @classmethod
    def open(cls, published: Path, run_id: str) -> Candidate:
        """Take the lock, finish or clear what an earlier run left, and copy the published warehouse (if any)."""
        candidate = cls(published=published, run_id=run_id)
        candidate._take_lock()
        try:
            recover(published)
            candidate._copy_published()
        except BaseException:
            candidate.discard()
            raise
        return candidate

    def stage(self, destination: Path) -> Path:
        """A path inside the candidate for a file or folder that `publish` will move to `destination`."""
        source = self.folder / "staged" / f"{len(self._staged)}-{destination.name}"
        source.parent.mkdir(parents=True, exist_ok=True)
        self._staged.append(Move(source, destination))
        return source

    def publish(self) -> list[Move]:
        """Swap the candidate warehouse and the staged files in, then remove the candidate folder. Call it with every
        connection to the candidate closed (DuckDB's write-ahead log would otherwise stay behind)."""
        if not self.database.exists():
            raise CandidateError(f"Nothing to publish: {self.database} does not exist")
        wal = wal_of(self.database)
        if wal.exists():
            raise CandidateError(f"{wal} exists: a connection to the candidate is still open or was not checkpointed")
        _fsync(self.database)
        moves = [*(move for move in self._staged if move.source.exists()), Move(self.database, self.published)]
        journal = self.folder / JOURNAL
        _write_durably(journal, json.dumps({"run_id": self.run_id, "moves": [
            {"source": str(m.source), "destination": str(m.destination)} for m in moves]}, indent=2))
        _apply(moves)
        self.discard()
        return moves

    def discard(self) -> None:
        """Remove the candidate folder and release the lock: nothing of this run reaches readers."""
        if self.folder.exists():
            for child in self.folder.iterdir():
                if child.name != LOCK:
                    _remove(child)
            (self.folder / LOCK).unlink(missing_ok=True)
            self.folder.rmdir()
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _take_lock(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise CandidateError(_cannot_write(self.folder, error)) from error
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise CandidateError(
                f"Another run is building a candidate of {self.published} (lock {self.folder / LOCK}); one run at a "
                "time writes a warehouse. Wait for it to finish, or stop it in the Dagster UI.") from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{self.run_id} {os.getpid()}\n".encode())
        self._lock = descriptor

    def _copy_published(self) -> None:
        for stale in self.folder.iterdir():  # left by a run that died: its lock was free
            if stale.name != LOCK:
                _remove(stale)
        if not self.published.exists():
            return
        wal = wal_of(self.published)
        if wal.exists():
            raise CandidateError(
                f"{wal} exists: a process other than a refresh opened the published warehouse for writing and did not "
                "close it. Close that process (DuckDB replays the log when it opens the file for writing); refreshes "
                "never write the published file.")
        try:
            shutil.copyfile(self.published, self.database)
        except OSError as error:
            raise CandidateError(_cannot_write(self.folder, error, self.published.stat().st_size)) from error


def candidate_folder(published: Path) -> Path:
    return published.parent / FOLDER


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def recover(published: Path) -> list[Move]:
    """Finish a publication that a killed run had committed (its journal is written), so that the published files
    never stay a mix of two runs. Called with the lock held; returns the moves it made."""
    journal = candidate_folder(published) / JOURNAL
    if not journal.exists():
        return []
    moves = [Move(Path(m["source"]), Path(m["destination"])) for m in json.loads(journal.read_text())["moves"]]
    _apply(moves)
    journal.unlink()
    return moves


def _apply(moves: list[Move]) -> None:
    """Make each move, skipping those done already (a second call after a crash finishes the first). A folder is
    swapped through `<destination>.replaced`, which is removed once the new folder is in place."""
    for move in moves:
        aside = move.destination.with_name(move.destination.name + REPLACED)
        if move.source.exists():
            move.destination.parent.mkdir(parents=True, exist_ok=True)
            if move.source.is_dir():
                if move.destination.exists():
                    _remove(aside)
                    move.destination.rename(aside)
                move.source.rename(move.destination)
            else:
                os.replace(move.source, move.destination)
            _fsync(move.destination.parent)
        _remove(aside)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _write_durably(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    _fsync(temporary)
    os.replace(temporary, path)
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _cannot_write(folder: Path, error: OSError, needed: int | None = None) -> str:
    """A disk-full or read-only error in words an operator acts on; the OS message stays for the rest."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        size = f" (the copy of the published warehouse needs {needed / 2**30:.1f} GiB)" if needed else ""
        return (f"No space left for {folder}{size}: the disk (or a quota or file-size limit) is full; free space "
                "there. Nothing was published.")
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"Cannot write {folder} ({error.strerror}): the warehouse folder is read-only for this process; "
                "nothing was published.")
    return f"Cannot prepare the candidate in {folder}: {error.strerror or error}; nothing was published."
