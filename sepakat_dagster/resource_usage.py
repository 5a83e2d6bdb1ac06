"""Seconds and peak resident memory of a piece of work, for asset metadata and the province benchmark.

Resident memory is sampled for the whole process tree (dbt runs as a child process, and DuckDB's memory is the
process's), from /proc, a few times a second in a background thread. On a system without /proc the peak is
reported as unknown rather than guessed.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MIB = 1024 * 1024


def _children(pid: int) -> list[int]:
    """The children of `pid`; none once it has ended (its /proc folder goes while it is being listed)."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").glob("*/children"))
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def tree_rss_bytes(pid: int | None = None) -> int | None:
    """Resident bytes of process `pid` (default: this one) and all its descendants; None without /proc."""
    root = pid or os.getpid()
    if not Path(f"/proc/{root}/statm").exists():
        return None
    total, pending, seen = 0, [root], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue  # the process ended between listing and reading
        pending += _children(current)
    return total


@dataclass
class Usage:
    """What `measure` saw: wall seconds and the peak resident memory of the process tree (MiB)."""

    seconds: float = 0.0
    peak_mib: float | None = None
    samples: list[tuple[float, int]] = field(default_factory=list)  # (Unix time, bytes), as Dagster's events

    def rows_per_second(self, rows: int | None) -> float | None:
        return round(rows / self.seconds) if rows is not None and self.seconds > 0 else None

    def metadata(self, rows: int | None = None) -> dict:
        """Dagster metadata: what every stage reports, so a slow or hungry stage shows in the UI."""
        meta: dict = {"seconds": round(self.seconds, 2)}
        if self.peak_mib is not None:
            meta["peak_memory_mib"] = round(self.peak_mib)
        if (rate := self.rows_per_second(rows)) is not None:
            meta["rows_per_second"] = rate
        return meta


class measure:
    """`with measure() as usage:` times the block and samples the process tree's memory every `interval` s."""

    def __init__(self, pid: int | None = None, interval: float = 0.2, keep_samples: bool = False):
        self.pid = pid
        self.interval = interval
        self.keep_samples = keep_samples
        self.usage = Usage()
        self._stop = threading.Event()
        self._peak = 0
        self._thread = threading.Thread(target=self._sample, daemon=True, name="sepakat-rss-sampler")

    def _sample(self) -> None:
        while True:
            rss = tree_rss_bytes(self.pid)
            if rss is None:
                return
            self._peak = max(self._peak, rss)
            if self.keep_samples:
                self.usage.samples.append((time.time(), rss))
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> Usage:
        self._started = time.perf_counter()
        self._thread.start()
        return self.usage

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        final = tree_rss_bytes(self.pid)
        if final is not None:
            self._peak = max(self._peak, final)
        self.usage.seconds = time.perf_counter() - self._started
        self.usage.peak_mib = self._peak / MIB if self._peak else None
