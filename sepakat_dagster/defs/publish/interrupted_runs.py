"""Runs whose process died (SIGKILL, out of memory, a power cut) are marked failed in the run history.

A run launched by the daemon is watched by Dagster's run monitoring (dagster.yaml). A `sepakat` command runs its
refresh inside its own process, which nothing watches: killed, it would stay "started" for ever. So the command
tags its runs with its host and process id, and the next command marks every such run whose process is gone as
failed, and frees the concurrency slot its step held, before it starts its own. Nothing of a killed run was
published (defs/publish/candidate.py).
"""

from __future__ import annotations

import os
import socket

import dagster as dg

HOST_TAG = "sepakat/host"
PID_TAG = "sepakat/pid"
UNFINISHED = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def process_tags() -> dict[str, str]:
    """The tags that let a later command tell whether this process is still running the run."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def fail_interrupted_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark as failed every unfinished run started by a `sepakat` command on this host whose process is gone; the
    run ids marked."""
    host = socket.gethostname()
    marked = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=UNFINISHED, tags={HOST_TAG: host})):
        pid = int(run.tags.get(PID_TAG, "0"))
        if pid and not _alive(pid):
            instance.report_run_failed(
                run, message=f"The process that ran it (pid {pid}) ended without finishing it (killed or crashed); "
                "nothing it built was published.")
            # Its step held the `duckdb` pool's one slot; the daemon frees the slots of ended runs, but a command
            # runs without one, and the next run would wait for that slot for ever.
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            marked.append(run.run_id)
    return marked


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True
