"""The quality and lineage report, written at the end of every refresh (group `reports`)."""

import dagster as dg

from sepakat_dagster.defs.dbt.assets import sepakat_dbt_marts
from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.publish import history
from sepakat_dagster.defs.quality.gates import stage_by_asset
from sepakat_dagster.defs.reports.evidence import collect_gates, collect_lineage
from sepakat_dagster.defs.reports.report import REGENCIES, write_report
from sepakat_dagster.defs.reports.settings import LANGUAGES, initial_language
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
    partitions_def=PROVINCES,
)
def quality_report(context: dg.AssetExecutionContext, warehouse: Warehouse,
                   reports: ReportsDirectory) -> dg.MaterializeResult:
    """The forum report (docs/report.md), static HTML in Bahasa Indonesia and English: the figures the forum decides
    on, maps, the publishable marts, and the engineer's detail in an appendix. Written as report-<run>.html; its
    latest.html and the per-regency files (regencies/<code>.html) are published with the warehouse, so the forum
    never reads the report of a run that did not publish. Opens in the language SEPAKAT_REPORT_LANG names."""
    with measure() as usage:
        definitions = _code_location()
        gates = collect_gates(context.instance, definitions)
        lineage = collect_lineage(definitions, PUBLISHED)
        language = initial_language()
        written = write_report(warehouse.path, reports.root, gates, lineage, context.run.run_id, stage_by_asset(),
                               language=language, stage=warehouse.stage)
    failed = sum(g.status == "FAILED" for g in gates)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(written.path)),
        "size_bytes": written.path.stat().st_size,
        "languages": ", ".join(LANGUAGES),
        "initial_language": language,
        "regency_files": len(written.regencies),
        "regency_folder": dg.MetadataValue.path(str(reports.root / REGENCIES)),
        **usage.metadata(),
        "checks": len(gates),
        "checks_failed": failed,
        "published_tables": len(lineage),
    })
