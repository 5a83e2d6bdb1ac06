"""The Python asset of the villages stage: the per-village feedback files for SID (group `villages`), written into
the run's candidate and published with the warehouse. Metadata carries counts only, never a proposal's content."""

from datetime import UTC, datetime

import dagster as dg

from sepakat_dagster.defs.marts.resources import ExportDirectory
from sepakat_dagster.defs.metadata import markdown_table
from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.defs.villages import feedback
from sepakat_dagster.resource_usage import measure

ANSWERS_KEY = dg.AssetKey(["intermediate", "int_marts_village_proposal_answers"])
FEEDBACK_KEY = dg.AssetKey(["exports", "village_feedback"])
FEEDBACK_FOLDER = "village_feedback"


@dg.asset(
    key=FEEDBACK_KEY,
    deps=[ANSWERS_KEY],
    group_name="villages",
    kinds={"duckdb", "csv", "json"},
    pool="duckdb",
    partitions_def=PROVINCES,
    owners=["team:sepakat-data"],
    description="The answer to every village proposal, one CSV and one JSON file per village for its SID "
    "(exports/village_feedback/<regency>/<village>.csv|json; layout: defs/villages/feedback.schema.json).",
)
def village_feedback(context: dg.AssetExecutionContext, warehouse: Warehouse,
                     exports: ExportDirectory) -> dg.MaterializeResult:
    # Staged like the targeting lists: a village never reads answers of a run whose gates failed.
    target = exports.root / FEEDBACK_FOLDER
    staging = warehouse.stage(target)
    with measure() as usage, warehouse.get_connection() as con:
        written = feedback.write_feedback(con, staging, context.run_id, datetime.now(UTC))
    context.log.info(f"Feedback for {written.villages} villages ({written.answers:,} answers), published to "
                     f"{target} with the warehouse")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": written.answers,
        **usage.metadata(written.answers),
        "villages": written.villages,
        "files": 2 * written.villages,
        "answers_without_village": written.without_village,
        "folder": str(target),
        "answers": dg.MetadataValue.md(markdown_table(
            [{"answer": a, "proposals": n} for a, n in written.by_answer.items()], measures=True)),
    })


@dg.definitions
def villages_assets() -> dg.Definitions:
    return dg.Definitions(assets=[village_feedback])
