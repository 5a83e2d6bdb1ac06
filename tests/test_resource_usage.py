"""The stage figures every asset reports: wall seconds, rows per second and the peak memory of the process tree."""

from __future__ import annotations

import subprocess
import sys

from sepakat_dagster.resource_usage import MIB, measure, tree_rss_bytes


def test_the_peak_covers_child_processes():
    """dbt runs as a child process: its memory must count in the step's peak."""
    before = tree_rss_bytes()
    with measure(interval=0.05) as usage:
        subprocess.run([sys.executable, "-c", "import time; block = bytearray(300 * 2**20); time.sleep(1.0)"],
                       check=True)
    assert usage.peak_mib is not None and before is not None
    assert usage.peak_mib - before / MIB > 250
    assert usage.seconds >= 1.0


def test_the_metadata_gives_rows_per_second_only_with_rows():
    with measure() as usage:
        pass
    usage.seconds = 2.0
    assert usage.metadata(1000)["rows_per_second"] == 500
    assert "rows_per_second" not in usage.metadata()
    assert set(usage.metadata()) >= {"seconds", "peak_memory_mib"}


def test_a_process_that_has_ended_has_no_tree():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert tree_rss_bytes(child.pid) is None
