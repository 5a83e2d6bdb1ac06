"""The quality and lineage report, written at the end of every refresh (group `reports`)."""

import dagster as dg

from sepakat_dagster.defs.dbt.assets import sepakat_dbt_marts
from sepakat_dagster.defs.publish import history
from sepakat_dagster.defs.quality.gates import stage_by_asset
from sepakat_dagster.defs.reports.evidence import collect_gates, collect_lineage
from sepakat_dagster.defs.reports.report import write_report
from sepakat_dagster.defs.resources import ReportsDirectory, Warehouse
from sepakat_dagster.resource_usage import measure

LINKAGE_EVALUATION = dg.AssetKey(["linkage", "evaluation"])
MART_HISTORY_KEY = dg.AssetKey(history.ASSET_PATH)
PUBLISHED = [*sepakat_dbt_marts.keys, LINKAGE_EVALUATION]


def _code_location() -> dg.Definitions:
    """The whole code location, so a run of a few assets still reports every gate's latest result and the full
    lineage. Imported when the report is written: the definitions are built from this folder among others."""
    from sepakat_dagster.definitions import defs

    return defs()


@dg.asset(
    key=["reports", "quality_report"],
    group_name="reports",
    deps=[*PUBLISHED, MART_HISTORY_KEY],
    kinds={"html"},
    owners=["team:sepakat-data"],
    pool="duckdb",
)
def quality_report(context: dg.AssetExecutionContext, warehouse: Warehouse,
                   reports: ReportsDirectory) -> dg.MaterializeResult:
    """Static HTML report for Satu Data forums: sources, quarantine, gates, change since the previous published
    run, linkage, marts and lineage. Written as report-<run>.html; its latest.html is published with the
    warehouse, so the forum never reads the report of a run that did not publish."""
    with measure() as usage:
        definitions = _code_location()
        gates = collect_gates(context.instance, definitions)
        lineage = collect_lineage(definitions, PUBLISHED)
        path = write_report(warehouse.path, reports.root, gates, lineage, context.run.run_id, stage_by_asset(),
                            latest=warehouse.stage(reports.root / "latest.html"))
    failed = sum(g.status == "FAILED" for g in gates)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        **usage.metadata(),
        "checks": len(gates),
        "checks_failed": failed,
        "published_tables": len(lineage),
    })
