"""The last two steps of every refresh (group `publish`): snapshot the published marts into the history, then
publish the candidate warehouse with the files staged beside it.

`publish` depends on every asset that has no other dependant, so it runs only when every step selected in the run
succeeded and no blocking check stopped anything (Dagster skips what follows a failure); the test of the graph
keeps it downstream of every other asset. A run whose selection leaves `publish` out is a trial: its candidate is
discarded when the run ends (defs/resources.py).
"""

import time

import dagster as dg

from sepakat_dagster.defs.dbt.assets import sepakat_dbt_marts
from sepakat_dagster.defs.dbt.project import sepakat_dbt_project
from sepakat_dagster.defs.marts.assets import EXPORTS_KEY, TARGETING_EVALUATION_KEY
from sepakat_dagster.defs.metadata import markdown_table
from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.publish import history
from sepakat_dagster.defs.reports.assets import quality_report
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.defs.villages.assets import FEEDBACK_KEY

PUBLISH_KEY = dg.AssetKey(["publish", "warehouse"])
SINKS = [
    quality_report.key,
    EXPORTS_KEY,
    FEEDBACK_KEY,
    TARGETING_EVALUATION_KEY,
    dg.AssetKey(["linkage", "review_queue"]),
    # Each household's geotag status (in a zone, outside, missing, implausible): read by the forum, not by a mart.
    dg.AssetKey(["places", "household_geotags"]),
    # Built and tested by dbt although no mart reads it yet: a failure there still stops the publication.
    dg.AssetKey(["intermediate", "int_welfare_rankings"]),
]
COMMON = {"group_name": "publish", "pool": "duckdb", "owners": ["team:sepakat-data"], "partitions_def": PROVINCES}


@dg.asset(key=dg.AssetKey(history.ASSET_PATH), deps=list(sepakat_dbt_marts.keys), kinds={"duckdb"}, **COMMON)
def mart_history(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """This run's cells of every published (aggregate) mart, appended to `history.mart_cells` in the candidate; kept
    only if the run publishes. The report compares them with the previous published run."""
    marts = history.published_marts(history.load_manifest(sepakat_dbt_project().manifest_path))
    with warehouse.get_connection() as con:
        cells = history.snapshot(con, context.run.run_id, marts)
        previous = history.previous_published(con, context.run.run_id)
        moved = history.changes(con, previous, context.run.run_id) if previous else []
    return dg.MaterializeResult(metadata={
        "dagster/row_count": cells,
        "marts": ", ".join(mart.name for mart in marts),
        "previous_published_run": previous or "none",
        "cells_moved": len(moved),
    })


def build_publish_asset(deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The `publish` step, downstream of `deps`: the graph's sinks in the code location, the assets of a smaller
    graph in a test."""

    @dg.asset(key=PUBLISH_KEY, deps=deps, kinds={"duckdb"}, **COMMON)
    def publish(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        """Stamp the run's snapshot as published, keep the newest SEPAKAT_HISTORY_RUNS runs, and swap the candidate
        warehouse, the exports and the report in by renaming. Readers see the whole run from now on, or, when
        anything before this failed, still the last published run."""
        return _publish(context, warehouse)

    return publish


def _publish(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    started = time.monotonic()
    keep = history.retention()
    with warehouse.get_connection() as con:
        dropped = history.record_publication(con, context.run.run_id, keep)
        kept = history.runs(con)
        con.execute("checkpoint")
    size = warehouse.path.stat().st_size
    moves = warehouse.publish()
    seconds = time.monotonic() - started
    context.log.info(f"Published run {context.run.run_id} ({size / 2**20:,.0f} MiB) in {seconds:.1f} s")
    return dg.MaterializeResult(metadata={
        "published_run": context.run.run_id,
        "warehouse_mib": round(size / 2**20, 1),
        "publish_seconds": round(seconds, 2),
        "history_runs_kept": len(kept),
        "history_runs_dropped": len(dropped),
        "history_retention": keep,
        "published": dg.MetadataValue.md(markdown_table(
            [{"from": move.source.name, "to": str(move.destination)} for move in moves])),
    })


publish = build_publish_asset(SINKS)
