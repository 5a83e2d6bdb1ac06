"""Python assets of the marts stage: the per-regency targeting list exports (group `marts`) and the evaluation of
targeting errors against the generator's ground truth (group `evaluation`). Metadata carries counts and rates only,
never a name, NIK or address."""

from pathlib import Path

import dagster as dg

from sepakat_dagster.defs.ground_truth import evaluation_asset
from sepakat_dagster.defs.marts import evaluate, export
from sepakat_dagster.defs.marts.resources import ExportDirectory
from sepakat_dagster.defs.metadata import markdown_table
from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.resource_usage import measure

TARGETING_LIST_KEY = dg.AssetKey(["marts", "targeting_list"])
TARGETING_ERRORS_KEY = dg.AssetKey(["marts", "targeting_errors"])
PROGRAM_RULES_KEY = dg.AssetKey(["intermediate", "int_marts_program_rules"])
EXPORTS_KEY = dg.AssetKey(["exports", "targeting_lists"])
TARGETING_EVALUATION_KEY = dg.AssetKey(["evaluation", "targeting_vs_truth"])
EXPORT_FOLDER = "targeting_lists"

COMMON = {"pool": "duckdb", "owners": ["team:sepakat-data"], "partitions_def": PROVINCES}


@dg.asset(
    key=EXPORTS_KEY,
    deps=[TARGETING_LIST_KEY],
    group_name="marts",
    kinds={"duckdb", "csv"},
    **COMMON,
    description="The restricted targeting list as one CSV per programme and regency (exports/targeting_lists/"
    "<program>/<regency>.csv), only the contract's columns, each file only its regency's rows.",
)
def targeting_list_exports(context: dg.AssetExecutionContext, warehouse: Warehouse,
                           exports: ExportDirectory) -> dg.MaterializeResult:
    # Written into the run's candidate and published with the warehouse: a regency never finds files of a run
    # whose gates failed, nor a mix of two runs.
    target = exports.root / EXPORT_FOLDER
    staging = warehouse.stage(target)
    staging.mkdir(parents=True, exist_ok=True)
    rows_by_program: dict[str, int] = {}
    files = 0
    with measure() as usage, warehouse.get_connection() as con:
        programs = [row[0] for row in con.execute(
            "select distinct program from marts.targeting_list order by 1").fetchall()]
        regencies = [row[0] for row in con.execute(
            "select distinct regency_code from marts.targeting_list where regency_code is not null order by 1"
        ).fetchall()]
        rows = export.sorted_copy(con)
        for program in programs:
            for regency in regencies:
                result = export.export_targeting_list(con, program, regency, staging / program / f"{regency}.csv",
                                                      source=rows)
                rows_by_program[program] = rows_by_program.get(program, 0) + result.rows
                files += 1
        listed = con.execute("select count(*) from marts.targeting_list where regency_code is not null").fetchone()[0]
    exported = sum(rows_by_program.values())
    context.log.info(f"{files} export files ({exported:,} rows), published to {target} with the warehouse")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": exported,
        **usage.metadata(exported),
        "files": files,
        "regencies": len(regencies),
        "rows_listed": listed,
        "folder": str(target),
        "columns": ", ".join(export.allowed_columns()),
        "rows_by_program": dg.MetadataValue.md(markdown_table(
            [{"program": p, "rows": n} for p, n in rows_by_program.items()], measures=True)),
    })


def _evaluate_targeting(warehouse: Warehouse, truth: Path) -> tuple[int, dict]:
    """Inclusion and exclusion errors recomputed with the true identities of the generator's ground truth (and with
    true deciles), beside the linked figures of marts.targeting_errors, with their differences."""
    with warehouse.get_connection() as con:
        comparisons = evaluate.evaluate_targeting(con, truth)
        rows = con.execute(f"select count(*) from {evaluate.EVALUATION_TABLE}").fetchone()[0]
        province = evaluate.province_table(con)
    figures: dict = {}
    for c in comparisons:
        for name, value in (("linked_inclusion_rate", c.linked_inclusion_rate),
                            ("truth_inclusion_rate", c.truth_inclusion_rate),
                            ("inclusion_rate_difference", c.inclusion_difference),
                            ("linked_exclusion_rate", c.linked_exclusion_rate),
                            ("truth_exclusion_rate", c.truth_exclusion_rate),
                            ("exclusion_rate_difference", c.exclusion_difference)):
            if value is not None:
                figures[f"{c.program}_{name}"] = round(value, 5)
    figures["province"] = dg.MetadataValue.md(markdown_table(province, measures=True))
    return rows, figures



targeting_vs_truth = evaluation_asset(TARGETING_EVALUATION_KEY, [TARGETING_ERRORS_KEY, PROGRAM_RULES_KEY],
                                      _evaluate_targeting, evaluate.EVALUATION_TABLE, group_name="evaluation",
                                      kinds={"duckdb"}, **COMMON)


@dg.definitions
def marts_assets() -> dg.Definitions:
    return dg.Definitions(assets=[targeting_list_exports, targeting_vs_truth])
