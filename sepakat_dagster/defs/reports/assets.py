"""The quality and lineage report, written at the end of every refresh (group `reports`)."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from sepakat_dagster.defs.dbt.assets import sepakat_dbt_marts
from sepakat_dagster.paths import reports_dir
from sepakat_dagster.reporting.evidence import collect_gates, collect_lineage
from sepakat_dagster.reporting.report import write_report

LINKAGE_EVALUATION = dg.AssetKey(["linkage", "evaluation"])
PUBLISHED = [*sepakat_dbt_marts.keys, LINKAGE_EVALUATION]


@dg.asset(
    key=["reports", "quality_report"],
    group_name="reports",
    deps=PUBLISHED,
    kinds={"html"},
    owners=["team:sepakat-data"],
    pool="duckdb",
)
def quality_report(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Static HTML report for Satu Data forums: sources, quarantine, gates, linkage, marts and lineage."""
    # The refresh job holds every asset and check, so nightly and demo runs report every gate and full lineage.
    graph = context.job_def.asset_layer.asset_graph
    gates = collect_gates(context.instance, graph)
    lineage = collect_lineage(graph, [key for key in PUBLISHED if graph.has(key)])
    path = write_report(Path(warehouse.database), reports_dir(), gates, lineage, context.run_id)
    failed = sum(g.status == "FAILED" for g in gates)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "checks": len(gates),
        "checks_failed": failed,
        "published_tables": len(lineage),
    })
