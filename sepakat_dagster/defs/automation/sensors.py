"""Sensors: refresh what a new delivery affects, and leave an alert record when a run fails."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.automation.jobs import refresh_job
from sepakat_dagster.defs.automation.resources import AlertsFile
from sepakat_dagster.defs.national.definitions import national_job
from sepakat_dagster.defs.resources import LandingDirectory, Warehouse
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import UnusableFileError, find_landed_file
from sepakat_dagster.paths import served_provinces
from sepakat_dagster.provinces import province_codes
from sepakat_dagster.warehouse import has_table


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


def published_files(warehouse: Path) -> dict[str, str]:
    """The delivery file of each source in the published warehouse. A file a run loaded but did not publish (a
    gate failed, the run was killed) is not there, so the sensor offers it again."""
    if not warehouse.exists():
        return {}
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        if not has_table(con, "audit", "source_loads"):
            return {}
        return dict(con.execute("""
            select source, file_name from audit.source_loads
            qualify row_number() over (partition by source order by loaded_at desc) = 1
        """).fetchall())


@dg.sensor(
    job=refresh_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Per province: refresh the sources whose newest delivery is not the one published, and everything "
    "downstream, in that province's partition only.",
)
def new_deliveries(context: dg.SensorEvaluationContext, landing: LandingDirectory, warehouse: Warehouse):
    seen = json.loads(context.cursor) if context.cursor else {}
    graph = context.repository_def.asset_graph
    requests, current = [], {}
    for province in served_provinces(landing.path, province_codes()):
        current[province] = landed_fingerprints(landing.for_province(province))
        changed = _changed_sources(seen.get(province, {}), current[province],
                                   published_files(warehouse.for_province(province)))
        if changed:
            requests.append(_refresh_request(province, changed, current[province], graph))
    context.update_cursor(json.dumps(current, sort_keys=True))
    return requests or dg.SkipReason("no new deliveries")


def _changed_sources(seen: dict[str, str], current: dict[str, str], published: dict[str, str]) -> list[str]:
    """Sources whose newest delivery changed since the last tick, or is not the one published. A failed or killed
    run publishes nothing, so its deliveries are still unpublished and come back here."""
    return sorted(name for name, fingerprint in current.items()
                  if seen.get(name, fingerprint) != fingerprint or published.get(name) != fingerprint.split(":")[0])


def _refresh_request(province: str, changed: list[str], current: dict[str, str], graph) -> dg.RunRequest:
    """A run of `province`'s partition over the changed sources and everything downstream; what it selects is
    rebuilt on that province's published state, which passed every gate."""
    changed_keys = {dg.AssetKey(["raw", name]) for name in changed}
    keys = dg.AssetSelection.assets(*changed_keys).downstream().materializable().resolve(graph)
    national = dg.AssetSelection.groups("national").resolve(graph)
    digest = hashlib.sha256("|".join(current[name] for name in changed).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=f"{province}-{digest}",
        partition_key=province,
        asset_selection=sorted(keys - national, key=lambda key: key.to_user_string()),
        tags={"sepakat/trigger": "new_deliveries", "sepakat/sources": ",".join(changed)[:200]},
    )


@dg.run_failure_sensor(
    monitored_jobs=[refresh_job, national_job],
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
