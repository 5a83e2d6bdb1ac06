"""`sepakat status`: what readers see, what went wrong since, and what waits to be loaded, for the operator of a
province's instance.

Three answers, in plain text, from three places:
- the last published run and the deliveries it used: the warehouse's own history (`history.runs`);
- the last refresh runs and what failed in them (steps, blocking checks): the Dagster instance (DAGSTER_HOME);
- the deliveries waiting: per source of the catalogue, the newest file in the landing folder (the one a refresh
  loads) whose SHA-256 differs from the published run's delivery of that source (a new or a changed file).

Only run ids, times, source and file names, step and check names: never a value from the data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sepakat_dagster import paths

RECENT_RUNS = 5
REFRESH_JOB = "refresh"


@dataclass(frozen=True)
class Waiting:
    source: str
    file_name: str
    why: str  # "new file" or "changed since published"


def published_run(warehouse: Path) -> dict | None:
    """The last published run of `warehouse` with its deliveries (parsed), or None."""
    from sepakat_dagster import duckdb_limits
    from sepakat_dagster.defs.publish import history

    if not warehouse.exists():
        return None
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        runs = history.runs(con)
    if not runs:
        return None
    return {**runs[0], "deliveries": json.loads(runs[0]["deliveries"]), "kept": len(runs)}


def waiting_deliveries(landing: Path, published: dict | None) -> tuple[list[Waiting], list[str]]:
    """The newest delivery of each source that the published run did not load, and the sources without any file."""
    from sepakat_dagster.defs.sources.catalog import load_catalog
    from sepakat_dagster.defs.sources.loader import UnusableFileError, find_landed_file

    loaded = {d["source"]: d for d in (published or {}).get("deliveries", [])}
    waiting, missing = [], []
    for source in load_catalog().values():
        try:
            landed = find_landed_file(source, landing)
        except UnusableFileError:
            if not source.optional:  # an optional source may never come (catalog.yml)
                missing.append(source.name)
            continue
        before = loaded.get(source.name)
        if before and before["file_sha256"] == _sha256(landed.path):
            continue
        why = "changed since published" if before and before["file_name"] == landed.name else "new file"
        waiting.append(Waiting(source.name, landed.name, why))
    return waiting, missing


def _sha256(path: Path) -> str:
    """As the loader records it (audit.source_loads.file_sha256): the file's bytes."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def recent_runs(limit: int = RECENT_RUNS) -> list[dict] | str:
    """The newest refresh runs of the Dagster instance, each with its failed steps and failed blocking checks; a
    sentence instead when there is no instance to ask."""
    if not os.environ.get("DAGSTER_HOME"):
        return "DAGSTER_HOME is not set: no Dagster instance to ask about runs"
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(filters=dg.RunsFilter(job_name=REFRESH_JOB), limit=limit)
        return [_describe(instance, run) for run in runs]


def _describe(instance, run) -> dict:
    import dagster as dg

    record = instance.get_run_record_by_id(run.run_id)
    failed_steps, failed_checks = set(), set()
    if run.status == dg.DagsterRunStatus.FAILURE:
        for entry in instance.all_logs(run.run_id, of_type={dg.DagsterEventType.STEP_FAILURE,
                                                              dg.DagsterEventType.ASSET_CHECK_EVALUATION}):
            event = entry.dagster_event
            if event.event_type == dg.DagsterEventType.STEP_FAILURE:
                failed_steps.add(event.step_key)
                continue
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                failed_checks.add(f"{evaluation.check_name} on {evaluation.asset_key.to_user_string()}")
    return {"run_id": run.run_id, "status": run.status.value, "started": record.start_time if record else None,
            "failed_steps": sorted(failed_steps), "failed_checks": sorted(failed_checks)}


def render(warehouse: Path, landing: Path) -> str:
    from datetime import UTC, datetime

    published = published_run(warehouse)
    lines = [f"Warehouse: {warehouse}"]
    if published:
        when = f"{published['published_at']:%Y-%m-%d %H:%M}"
        lines.append(f"Last published run: {published['run_id']}, published {when} UTC "
                     f"({published['kept']} published runs in the history), from these deliveries:")
        lines += [f"  {d['source']:<28} {d['file_name']} (vintage {d['vintage'] or 'unknown'})"
                  for d in published["deliveries"]]
    else:
        lines.append("Last published run: none (nothing has been published here yet)")

    runs = recent_runs()
    lines.append("")
    if isinstance(runs, str):
        lines.append(runs)
    else:
        lines.append(f"Last refresh runs (Dagster instance in {os.environ['DAGSTER_HOME']}):" if runs
                     else "Last refresh runs: none in this Dagster instance")
        for run in runs:
            started = datetime.fromtimestamp(run["started"], UTC).strftime("%Y-%m-%d %H:%M") if run["started"] \
                else "not started"
            mark = " (published)" if published and run["run_id"] == published["run_id"] else ""
            lines.append(f"  {run['run_id']} {started} UTC {run['status']}{mark}")
            lines += [f"    failed step: {step}" for step in run["failed_steps"]]
            lines += [f"    failed check: {check}" for check in run["failed_checks"]]

    waiting, missing = waiting_deliveries(landing, published)
    lines.append("")
    lines.append(f"Deliveries waiting in {landing}:" if waiting else
                 f"Deliveries waiting in {landing}: none (every source's newest file is the published one)")
    lines += [f"  {w.source:<28} {w.file_name} ({w.why})" for w in waiting]
    if missing:
        lines.append(f"Sources with no file in the landing folder: {', '.join(missing)}")
    return "\n".join(lines)


def _status(args: argparse.Namespace) -> int:
    warehouse = args.data_dir / "warehouse.duckdb" if args.data_dir else \
        args.warehouse or paths.province_warehouse(args.province)
    landing = args.landing or paths.LANDING.path(args.province)
    print(render(warehouse.resolve(), landing.resolve()))
    return 0


def add_status_command(subparsers: argparse._SubParsersAction) -> None:
    """Add `status` to the `sepakat` command's subparsers."""
    status = subparsers.add_parser("status", help="the last published run, failed gates since, deliveries waiting")
    status.add_argument("--province", default=paths.DEMO_PROVINCE,
                        help="whose warehouse and landing folder (default: the demo province)")
    where = status.add_mutually_exclusive_group()
    where.add_argument("--warehouse", type=Path, help="the warehouse file (default: the province's)")
    where.add_argument("--data-dir", type=Path, help="the data folder holding warehouse.duckdb (as for refresh)")
    status.add_argument("--landing", type=Path, help="one folder per registry (default: the province's)")
    status.set_defaults(handler=_status)
