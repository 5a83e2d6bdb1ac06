"""The linkage stages over a warehouse file, one function per Dagster asset (also used by the benchmark).

Each function works on its own scratch DuckDB file (records.scratch) with the pipeline's memory limit: it copies
what it needs from the warehouse through a read-only ATTACH, works there (Splink included) and publishes its
result into the warehouse DuckDB to DuckDB (records.publish). The evaluation, which runs no Splink and reads the
records once or twice, reads them in place through the same read-only ATTACH instead of copying them. No
registry, pair or cluster table passes through Python, and no stage holds the warehouse while Splink runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from sepakat_dagster.defs.linkage import cluster, deterministic, evaluate, predict, records
from sepakat_dagster.defs.linkage.model import LoadedModel
from sepakat_dagster.defs.linkage.records import INT_PERSONS
from sepakat_dagster.defs.linkage.settings import CLUSTER_LIMITS, THRESHOLDS, ClusterLimits, Thresholds

# The linkage's tables in the warehouse; each stage builds its table under a short name in its scratch file
# (predict.PERSON_LINKS, cluster.PERSON_CLUSTERS, evaluate.EVALUATION) and publishes it under these.
SCHEMA = "linkage"
WAREHOUSE_LINKS = f"{SCHEMA}.person_links"
WAREHOUSE_CLUSTERS = f"{SCHEMA}.person_clusters"
WAREHOUSE_REVIEW_QUEUE = f"{SCHEMA}.review_queue"
WAREHOUSE_EVALUATION = f"{SCHEMA}.evaluation"


@dataclass
class Scored:
    rows: int  # rows of linkage.person_links
    deterministic: dict[str, int]
    prediction: predict.PredictionResult
    seconds: float


@dataclass
class Clustered:
    rows: int  # rows of linkage.person_clusters
    summary: dict[str, int]
    sizes: dict[int, int] = field(default_factory=dict)  # cluster size → persons
    registries: dict[str, int] = field(default_factory=dict)  # registry combination → persons


@dataclass
class Evaluated:
    rows: list[dict]


def score_warehouse(warehouse: Path | str, model: LoadedModel, thresholds: Thresholds = THRESHOLDS,
                    threads: int | None = None, chunks: int | None = None) -> Scored:
    """Deterministic pass and Splink scoring of the person records; publishes linkage.person_links."""
    started = time.perf_counter()
    with records.scratch(warehouse, threads) as con:
        records.copy_from_warehouse(con, warehouse)
        linked = deterministic.link_on_nik(con)
        prediction = predict.score(con, model, thresholds, chunks=chunks)
        rows = records.publish(con, warehouse, {WAREHOUSE_LINKS: predict.PERSON_LINKS})[WAREHOUSE_LINKS]
    return Scored(rows, linked, prediction, time.perf_counter() - started)


def cluster_warehouse(warehouse: Path | str, thresholds: Thresholds = THRESHOLDS,
                      limits: ClusterLimits = CLUSTER_LIMITS) -> Clustered:
    """Persons from the stored links: connected components at the match threshold over every staged record, with
    the household pass, oversized ones repaired; publishes linkage.person_clusters."""
    with records.scratch(warehouse) as con:
        with records.attached(con, warehouse) as wh:
            con.execute(f"""
                create table nodes as
                select person_record_key, registry, source_table, record_id, household_record_key
                from {wh}.{INT_PERSONS}
            """)
            con.execute(f"""
                create table links as
                select person_record_key_l, person_record_key_r, match_probability from {wh}.{WAREHOUSE_LINKS}
                where match_probability >= {float(min(thresholds.match, thresholds.household_match))}
            """)
        summary = cluster.cluster(con, "nodes", "links", thresholds.match, limits,
                                  household_threshold=thresholds.household_match)
        sizes = dict(con.execute(f"select size, sum(persons) from {cluster.PERSON_PROFILE} group by all order by 1")
                     .fetchall())
        registries = dict(con.execute(f"""
            select registries, sum(persons) from {cluster.PERSON_PROFILE} group by all order by 2 desc, 1
        """).fetchall())
        rows = records.publish(con, warehouse, {WAREHOUSE_CLUSTERS: cluster.PERSON_CLUSTERS})[WAREHOUSE_CLUSTERS]
    return Clustered(rows, summary, sizes, registries)


def evaluate_warehouse(warehouse: Path | str, truth_dir: Path | str) -> Evaluated:
    """Precision, recall and F1 of the stored clusters against the ground truth in `truth_dir`; publishes
    linkage.evaluation."""
    with records.scratch(warehouse) as con:
        with records.attached(con, warehouse) as wh:
            records.prepared_view(con, records.contract_source(con, wh))
            # The NIK groups, for the blocking recall.
            grouped = deterministic.groups_from_links(con, f"{wh}.{WAREHOUSE_LINKS}")
            rows = evaluate.evaluate(con, truth_dir, clusters=f"{wh}.{WAREHOUSE_CLUSTERS}", records=grouped)
        records.publish(con, warehouse, {WAREHOUSE_EVALUATION: evaluate.EVALUATION})
    return Evaluated(rows)
