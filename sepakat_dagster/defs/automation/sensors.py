"""Sensors: refresh what a new delivery affects, and leave an alert record when a run fails."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from sepakat_dagster.defs.automation.jobs import refresh_job
from sepakat_dagster.defs.automation.resources import AlertsFile
from sepakat_dagster.defs.reports.evidence import latest_check_results
from sepakat_dagster.defs.resources import LandingDirectory
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import UnusableFileError, find_landed_file


def landed_fingerprints(landing: Path) -> dict[str, str]:
    """Newest delivery per source as 'file:size:mtime': cheap to compute every tick, unlike a file hash."""
    fingerprints = {}
    for source in load_catalog().values():
        try:
            landed = find_landed_file(source, landing)
        except UnusableFileError:
            continue  # nothing delivered yet for this source
        stat = landed.path.stat()
        fingerprints[source.name] = f"{landed.name}:{stat.st_size}:{stat.st_mtime_ns}"
    return fingerprints


def _last_loaded_file(instance: dg.DagsterInstance, source: str) -> str | None:
    event = instance.get_latest_materialization_event(dg.AssetKey(["raw", source]))
    if event is None or event.asset_materialization is None:
        return None
    value = event.asset_materialization.metadata.get("file")
    return value.value if value is not None else None


def failed_gates_upstream(instance: dg.DagsterInstance, graph, keys: set[dg.AssetKey]) -> set[dg.AssetKey]:
    """Assets upstream of `keys`, not among them, whose latest evaluation of a blocking check failed."""
    upstream = dg.AssetSelection.assets(*keys).upstream().resolve(graph) - keys
    check_keys = [key for key in graph.asset_check_keys
                  if key.asset_key in upstream and graph.get_check_spec(key).blocking]
    return {key.asset_key for key, (status, _) in latest_check_results(instance, check_keys).items()
            if status == "FAILED"}


@dg.sensor(
    job=refresh_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Refresh the sources with a new or changed delivery, and everything downstream of them.",
)
def new_deliveries(context: dg.SensorEvaluationContext, landing: LandingDirectory):
    seen = json.loads(context.cursor) if context.cursor else {}
    current = landed_fingerprints(landing.root)
    changed = sorted(
        name
        for name, fingerprint in current.items()
        if seen.get(name, fingerprint) != fingerprint
        or _last_loaded_file(context.instance, name) != fingerprint.split(":")[0]
    )
    context.update_cursor(json.dumps(current, sort_keys=True))
    if not changed:
        return dg.SkipReason("no new deliveries")
    graph = context.repository_def.asset_graph
    changed_keys = {dg.AssetKey(["raw", name]) for name in changed}
    keys = dg.AssetSelection.assets(*changed_keys).downstream().materializable().resolve(graph)
    blocked = failed_gates_upstream(context.instance, graph, keys)
    if blocked:
        # Not rebuilt on data its gate rejected in an earlier run: the failed asset runs again, so its gate is
        # evaluated again and, if it still fails, stops this run before anything downstream of it.
        keys = dg.AssetSelection.assets(*changed_keys, *blocked).downstream().materializable().resolve(graph)
    run_key = hashlib.sha256("|".join(current[name] for name in changed).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=run_key,
        asset_selection=sorted(keys, key=lambda key: key.to_user_string()),
        tags={"sepakat/trigger": "new_deliveries", "sepakat/sources": ",".join(changed)[:200],
              **({"sepakat/failed_gates_rerun": ",".join(sorted(k.to_user_string() for k in blocked))[:200]}
                 if blocked else {})},
    )


@dg.run_failure_sensor(
    monitored_jobs=[refresh_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Append an alert record (run, job, failed steps, error) to the alerts file and log it.",
)
def alert_on_failed_refresh(context: dg.RunFailureSensorContext, alerts: AlertsFile):
    failed_steps = sorted({event.step_key for event in context.get_step_failure_events() if event.step_key})
    record = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": context.dagster_run.run_id,
        "job": context.dagster_run.job_name,
        "failed_steps": failed_steps,
        # Pipeline messages name files, lines and rules, never personal values, so they are safe to keep.
        "error": context.failure_event.message,
    }
    alerts.append(json.dumps(record))
    context.log.error(f"Refresh run {record['run_id']} failed at {', '.join(failed_steps) or 'run level'}")
