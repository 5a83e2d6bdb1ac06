"""Linkage assets (group `linkage`): scored pairs, persons, the review queue and the evaluation, with checks.

The nightly path loads the committed model (resource `person_model`) and never trains; training is the separate
`train_person_model` job (train_job.py). Splink runs on its own scratch DuckDB file within the pipeline's memory
limit and publishes into the warehouse (pipeline.py). Metadata carries counts, figures, seconds, rows per
second, peak memory and key-only previews: never a NIK, a name or an address.
"""

from pathlib import Path

import dagster as dg

from sepakat_dagster.defs.ground_truth import evaluation_asset
from sepakat_dagster.defs.linkage import cluster, pipeline, review
from sepakat_dagster.defs.linkage.records import INT_PERSONS
from sepakat_dagster.defs.linkage.resources import PersonModel
from sepakat_dagster.defs.linkage.settings import BLOCKING_RULES, CLUSTER_LIMITS, THRESHOLDS
from sepakat_dagster.defs.metadata import markdown_table
from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.resource_usage import measure
from sepakat_dagster.warehouse import fetch_dicts

INT_PERSONS_KEY = dg.AssetKey(["intermediate", "int_persons"])
PERSON_MODEL_KEY = dg.AssetKey(["linkage", "person_model"])
PERSON_LINKS_KEY = dg.AssetKey(["linkage", "person_links"])
PERSON_CLUSTERS_KEY = dg.AssetKey(["linkage", "person_clusters"])
REVIEW_QUEUE_KEY = dg.AssetKey(["linkage", "review_queue"])
LINKAGE_EVALUATION_KEY = dg.AssetKey(["linkage", "evaluation"])

COMMON = {"group_name": "linkage", "kinds": {"duckdb", "splink"}, "pool": "duckdb", "owners": ["team:sepakat-data"],
          "partitions_def": PROVINCES}


def _preview(con, sql: str) -> str:
    return markdown_table(fetch_dicts(con, sql), measures=True)


@dg.asset(
    key=PERSON_LINKS_KEY,
    deps=[INT_PERSONS_KEY, PERSON_MODEL_KEY],
    description="Scored pairs of person records: deterministic NIK links and Splink scores (match probability "
    "and weight) at or above the store threshold.",
    **COMMON,
)
def person_links(context: dg.AssetExecutionContext, warehouse: Warehouse,
                 person_model: PersonModel) -> dg.MaterializeResult:
    model = person_model.load()
    with measure() as usage:
        scored = pipeline.score_warehouse(warehouse.path, model)
    rows = scored.rows
    with warehouse.get_connection() as con:
        preview = _preview(con, f"""
            select person_record_key_l, person_record_key_r, method, match_key, round(match_probability, 4) as p
            from {pipeline.WAREHOUSE_LINKS} order by person_record_key_l, person_record_key_r limit 10
        """)
    result = scored.prediction
    context.log.info(f"{result.comparisons:,} comparisons scored for {result.records:,} records "
                     f"({result.comparisons_per_second:,.0f}/s) with model {result.model}")
    by_rule = [{"rule": name, "sql": sql, "comparisons": result.comparisons_by_rule.get(name, 0)}
               for name, sql in BLOCKING_RULES]
    return dg.MaterializeResult(metadata={
        "dagster/row_count": rows,
        **usage.metadata(result.records),
        "predict_chunks": result.chunks,
        "records": result.records,
        "model_version": result.model,
        "deterministic_pairs": result.deterministic_pairs,
        "nik_groups_linked": scored.deterministic["nik_groups_linked"],
        "nik_groups_ambiguous": scored.deterministic["nik_groups_ambiguous"],
        "comparisons": result.comparisons,
        "comparisons_per_record": round(result.comparisons_per_record, 3),
        "comparisons_per_second": round(result.comparisons_per_second),
        "blocking_seconds": round(result.blocking_seconds, 2),
        "scoring_seconds": round(result.scoring_seconds, 2),
        "comparisons_by_blocking_rule": dg.MetadataValue.md(markdown_table(by_rule, measures=True)),
        "splink_pairs_stored": result.by_method.get("splink", 0),
        "store_threshold": THRESHOLDS.store,
        "preview": dg.MetadataValue.md(preview + "\n\nRecord keys only: no personal columns."),
    })


@dg.asset(
    key=PERSON_CLUSTERS_KEY,
    deps=[PERSON_LINKS_KEY, INT_PERSONS_KEY],
    description="Every staged person record exactly once, with the person it belongs to (record source, record "
    "id, person id): connected components of the links at or above the match threshold, and of links down to the "
    "household threshold whose two households other members already join; a component too big to be one person "
    "is split at stricter thresholds and its pairs queued for review.",
    **COMMON,
)
def person_clusters(warehouse: Warehouse) -> dg.MaterializeResult:
    with measure() as usage:
        clustered = pipeline.cluster_warehouse(warehouse.path, THRESHOLDS)
    rows = clustered.rows
    with warehouse.get_connection() as con:
        preview = _preview(con, f"""
            select person_id, person_record_key, registry, cluster_size from {pipeline.WAREHOUSE_CLUSTERS}
            where cluster_size > 1 order by person_id, person_record_key limit 10
        """)
    summary = clustered.summary
    return dg.MaterializeResult(metadata={
        "dagster/row_count": rows,
        **usage.metadata(rows),
        "persons": summary["persons"],
        "persons_with_several_records": summary["persons_with_several_records"],
        "largest_cluster": summary["largest_cluster"],
        "oversized_persons_split": summary["oversized_persons_found"],
        "records_in_oversized_persons": summary["records_in_oversized_persons"],
        "max_cluster_size": CLUSTER_LIMITS.max_size,
        "match_threshold": THRESHOLDS.match,
        "household_links": summary["household_links"],
        "household_match_threshold": THRESHOLDS.household_match,
        "cluster_sizes": dg.MetadataValue.md(markdown_table(
            [{"records": size, "persons": n} for size, n in clustered.sizes.items()], measures=True)),
        "persons_by_registries": dg.MetadataValue.md(markdown_table(
            [{"registries": name, "persons": n} for name, n in clustered.registries.items()], measures=True)),
        "preview": dg.MetadataValue.md(preview + "\n\nRecord keys only: no personal columns."),
    })


@dg.asset_check(
    asset=PERSON_CLUSTERS_KEY,
    name="records_conserved",
    description="Every staged person record appears exactly once, with a person id: nothing lost or duplicated.",
    blocking=True,
    pool="duckdb",
)
def records_conserved(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.get_connection() as con:
        counts = cluster.conservation(con, pipeline.WAREHOUSE_CLUSTERS, INT_PERSONS)
    passed = (counts["missing"] == counts["unknown"] == counts["duplicated"] == counts["without_person_id"] == 0
              and counts["records_staged"] == counts["records_clustered"])
    return dg.AssetCheckResult(passed=passed, metadata=counts)


@dg.asset_check(
    asset=PERSON_CLUSTERS_KEY,
    name="clusters_are_sane",
    description=f"The model is not merging unrelated people: at most {CLUSTER_LIMITS.max_oversized_record_share:.1%} "
    f"of records were in components of more than {CLUSTER_LIMITS.max_size} records (those are split and queued for "
    f"review, not fatal), none is left oversized, and at most {CLUSTER_LIMITS.max_mixed_share:.1%} of persons with "
    "several records join records of different sex and different birth years (reasons: settings.ClusterLimits).",
    blocking=True,
    pool="duckdb",
)
def clusters_are_sane(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.get_connection() as con:
        counts = cluster.sanity(con, pipeline.WAREHOUSE_CLUSTERS, INT_PERSONS, CLUSTER_LIMITS.max_size)
    mixed_share = counts["mixed_sex_and_birth_year_persons"] / max(counts["persons_with_several_records"], 1)
    split_share = counts["records_split_from_oversized"] / max(counts["records"], 1)
    # Oversized persons left after the repair would be a bug in the repair, not bad data: that count is exact.
    passed = (counts["oversized_persons"] == 0 and split_share <= CLUSTER_LIMITS.max_oversized_record_share
              and mixed_share <= CLUSTER_LIMITS.max_mixed_share)
    return dg.AssetCheckResult(
        passed=passed,
        metadata={**counts, "mixed_share": round(mixed_share, 6), "split_record_share": round(split_share, 6),
                  "split_records_per_million": round(split_share * 1e6, 1),
                  "max_cluster_size": CLUSTER_LIMITS.max_size,
                  "max_split_record_share": CLUSTER_LIMITS.max_oversized_record_share,
                  "max_mixed_share": CLUSTER_LIMITS.max_mixed_share},
    )


@dg.asset(
    key=REVIEW_QUEUE_KEY,
    deps=[PERSON_LINKS_KEY, PERSON_CLUSTERS_KEY, INT_PERSONS_KEY],
    description="Pairs for clerical review, with both records' values and the fields that disagree (warehouse "
    "only: personal data): pairs between the review and match thresholds, and the links of components split "
    "because they were too big to be one person.",
    **COMMON,
)
def review_queue(warehouse: Warehouse) -> dg.MaterializeResult:
    with measure() as usage, warehouse.get_connection() as con:
        counts = review.build_review_queue(
            con, pipeline.WAREHOUSE_REVIEW_QUEUE, pipeline.WAREHOUSE_LINKS, INT_PERSONS, pipeline.WAREHOUSE_CLUSTERS
        )
    return dg.MaterializeResult(metadata={
        "dagster/row_count": counts["pairs"],
        **usage.metadata(counts["pairs"]),
        "pairs_from_split_oversized_persons": counts["oversized_cluster_split"],
        "review_threshold": THRESHOLDS.review,
        "match_threshold": THRESHOLDS.match,
        "already_same_person": counts["already_same_person"],
        "disagreeing_fields": dg.MetadataValue.md(markdown_table(
            [{"field": name.removeprefix("disagree_"), "pairs": n} for name, n in counts.items()
             if name.startswith("disagree_")], measures=True)),
    })


def _evaluate_linkage(warehouse: Warehouse, truth: Path) -> tuple[int, dict]:
    """Pairwise and cluster precision, recall and F1 against the generator's ground truth, by NIK status (valid vs
    missing or corrupt), and the recall of blocking."""
    rows = pipeline.evaluate_warehouse(warehouse.path, truth).rows
    figures: dict = {f"{row['level']}_{figure}_{row['segment']}": round(row[figure], 5)
                     for row in rows for figure in ("precision", "recall", "f1") if row[figure] is not None}
    figures["evaluation"] = dg.MetadataValue.md(markdown_table(rows, measures=True))
    return len(rows), figures


evaluation = evaluation_asset(LINKAGE_EVALUATION_KEY, [PERSON_CLUSTERS_KEY, INT_PERSONS_KEY], _evaluate_linkage,
                              pipeline.WAREHOUSE_EVALUATION, **COMMON)


@dg.definitions
def linkage_assets() -> dg.Definitions:
    return dg.Definitions(
        assets=[person_links, person_clusters, review_queue, evaluation],
        asset_checks=[records_conserved, clusters_are_sane],
    )

