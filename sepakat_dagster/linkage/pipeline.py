"""The linkage stages over a warehouse file, one function per Dagster asset (also used by the benchmark).

Each function opens its own in-memory DuckDB, copies what it needs from the warehouse through a read-only
ATTACH, works there (Splink included) and returns Arrow tables; the caller writes them to the warehouse in a
short connection of its own. So no stage holds the warehouse while Splink runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from sepakat_dagster.linkage import cluster, deterministic, evaluate, predict, records
from sepakat_dagster.linkage.model import LoadedModel
from sepakat_dagster.linkage.records import INT_PERSONS
from sepakat_dagster.linkage.settings import THRESHOLDS, Thresholds

SCHEMA = "linkage"
PERSON_LINKS = f"{SCHEMA}.person_links"
PERSON_CLUSTERS = f"{SCHEMA}.person_clusters"
REVIEW_QUEUE = f"{SCHEMA}.review_queue"
EVALUATION = f"{SCHEMA}.evaluation"


@dataclass
class Scored:
    links: pa.Table
    deterministic: dict[str, int]
    prediction: predict.PredictionResult
    seconds: float


@dataclass
class Clustered:
    clusters: pa.Table
    summary: dict[str, int]
    sizes: dict[int, int] = field(default_factory=dict)  # cluster size → persons
    registries: dict[str, int] = field(default_factory=dict)  # registry combination → persons


@dataclass
class Evaluated:
    evaluation: pa.Table
    rows: list[dict]


def score_warehouse(warehouse: Path | str, model: LoadedModel, thresholds: Thresholds = THRESHOLDS,
                    threads: int | None = None) -> Scored:
    """Deterministic pass and Splink scoring of the person records in the warehouse."""
    started = time.perf_counter()
    con = records.connect(threads)
    try:
        records.copy_from_warehouse(con, warehouse)
        linked = deterministic.link_on_nik(con)
        prediction = predict.score(con, model, thresholds)
        links = con.sql(f"select * from {predict.PERSON_LINKS}").to_arrow_table()
    finally:
        con.close()
    return Scored(links, linked, prediction, time.perf_counter() - started)


def cluster_warehouse(warehouse: Path | str, threshold: float = THRESHOLDS.match) -> Clustered:
    """Persons from the stored links: connected components at `threshold` over every staged record."""
    con = records.connect()
    try:
        with records.attached(con, warehouse) as wh:
            con.execute(f"""
                create table nodes as
                select person_record_key, registry, source_table, record_id from {wh}.{INT_PERSONS}
            """)
            con.execute(f"""
                create table links as
                select person_record_key_l, person_record_key_r, match_probability from {wh}.{PERSON_LINKS}
                where match_probability >= {float(threshold)}
            """)
        summary = cluster.cluster(con, "nodes", "links", threshold)
        sizes = dict(con.execute(f"""
            select cluster_size, count(distinct person_id) from {cluster.PERSON_CLUSTERS} group by all order by 1
        """).fetchall())
        registries = dict(con.execute(f"""
            select registries, count(*) from (
                select person_id, array_to_string(list_sort(list_distinct(list(registry))), '+') as registries
                from {cluster.PERSON_CLUSTERS} group by person_id
            ) group by registries order by 2 desc
        """).fetchall())
        clusters = con.sql(f"select * from {cluster.PERSON_CLUSTERS}").to_arrow_table()
    finally:
        con.close()
    return Clustered(clusters, summary, sizes, registries)


def evaluate_warehouse(warehouse: Path | str, truth_dir: Path | str) -> Evaluated:
    """Precision, recall and F1 of the stored clusters against the ground truth in `truth_dir`."""
    con = records.connect()
    try:
        records.copy_from_warehouse(con, warehouse)
        deterministic.link_on_nik(con)  # the deterministic groups, for the blocking recall
        with records.attached(con, warehouse) as wh:
            con.execute(f"create table clusters as select person_record_key, person_id from {wh}.{PERSON_CLUSTERS}")
        rows = evaluate.evaluate(con, truth_dir, clusters="clusters")
        table = con.sql(f"select * from {evaluate.EVALUATION}").to_arrow_table()
    finally:
        con.close()
    return Evaluated(table, rows)


def replace_table(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table) -> int:
    """Replace warehouse table `name` (schema.table) with `data` in one statement; returns its rows."""
    schema = name.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    con.register("_linkage_output", data)
    try:
        con.execute(f"create or replace table {name} as select * from _linkage_output")
    finally:
        con.unregister("_linkage_output")
    return data.num_rows
