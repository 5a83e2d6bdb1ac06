"""The national pass against the generator's ground truth (generated data only).

Each province's truth `record_map.parquet` gives every record its `national_person_id` ("<province>-<person_id>"
of the province whose world holds the human); two records of two provinces are the same human exactly when those
are equal. A mover's stale DTKS record in the old province carries the mover's id. Measured:

- `evaluation.national_linkage`: precision, recall and F1 of cross-province record pairs (two records of two
  provinces put under one national person), for all pairs and by NIK status (`nik_valid`: both records' NIKs as
  issued; `nik_missing_or_corrupt`: at least one missing or mistyped, the stale records the NIK cannot place);
- `evaluation.national_movers`: the generator's movers found whole (every record under one national person), all
  of them and those whose stale record has a missing or mistyped NIK;
- `evaluation.national_namesakes`: pairs of different humans in different provinces with the same name and
  birth date, and how many of them the pass put together (false links).

Counts of pairs come from group sizes (pairs across provinces = (N² - Σ n²) / 2), never from a pair table.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sepakat_dagster.defs.linkage.evaluate import NIK_CORRUPT_FLAGS
from sepakat_dagster.defs.national.cluster import PERSON_KEYS
from sepakat_dagster.defs.national.nik_index import PERSON_RECORDS

LINKAGE = "evaluation.national_linkage"
MOVERS = "evaluation.national_movers"
NAMESAKES = "evaluation.national_namesakes"


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Remove the evaluation tables (no ground truth this run): no stale figures stay in the national warehouse."""
    for table in (LINKAGE, MOVERS, NAMESAKES):
        con.execute(f"drop table if exists {table}")


def _truth_records(con: duckdb.DuckDBPyConnection, truth: dict[str, Path]) -> None:
    for code, path in sorted(truth.items()):
        columns = {row[0] for row in con.execute(f"describe select * from read_parquet({_quoted(path)})").fetchall()}
        if "national_person_id" not in columns:
            raise ValueError(f"The ground truth of province {code} ({path}) has no national_person_id column: it was "
                             "generated before national samples existed; generate it again")
    corrupt = " or ".join(f"coalesce(truth.{flag}, false)" for flag in NIK_CORRUPT_FLAGS)
    maps = " union all ".join(
        f"select '{code}' as province_code, source, record_id, national_person_id, {corrupt} as bad_nik "
        f"from read_parquet({_quoted(path)}) as truth" for code, path in sorted(truth.items()))
    con.execute(f"""
        create or replace temp table truth_records as
        select records.province_code, keys.national_person_key, truth.national_person_id as true_id,
            coalesce(truth.bad_nik, false) as bad_nik
        from {PERSON_RECORDS} as records
        join {PERSON_KEYS} as keys using (province_code, person_id)
        join ({maps}) as truth
            on truth.province_code = records.province_code and truth.source = records.source_table
            and truth.record_id = records.record_id
    """)


def _cross_pairs(labels: str, where: str) -> str:
    """SQL: the pairs of records in two different provinces that share every column of `labels`."""
    return f"""
        select coalesce(sum((total * total - squares) / 2), 0)::bigint from (
            select sum(n) as total, sum(n * n) as squares from (
                select {labels}, province_code, count(*) as n from truth_records where {where}
                group by all
            ) group by {labels}
        )
    """


def evaluate(con: duckdb.DuckDBPyConnection, truth: dict[str, Path], movers: Path | None,
             namesakes: Path | None) -> list[dict]:
    """Write the evaluation.* tables into the national candidate; returns the linkage rows."""
    con.execute("create schema if not exists evaluation")
    drop(con)
    _truth_records(con, truth)
    counts = {}
    for segment, where in (("all", "true"), ("nik_valid", "not bad_nik")):
        counts[segment] = [con.execute(_cross_pairs(labels, where)).fetchone()[0] for labels in (
            "national_person_key, true_id", "national_person_key", "true_id")]
    counts["nik_missing_or_corrupt"] = [a - v for a, v in zip(counts["all"], counts["nik_valid"], strict=True)]
    rows = [{"segment": segment, "true_positives": tp, "predicted": predicted, "actual": actual,
             "precision": tp / predicted if predicted else None, "recall": tp / actual if actual else None,
             "f1": 2 * tp / (predicted + actual) if predicted + actual else None}
            for segment, (tp, predicted, actual) in counts.items()]
    con.execute(f"""
        create or replace table {LINKAGE} (
            level varchar, segment varchar, precision double, recall double, f1 double,
            true_positives bigint, predicted bigint, actual bigint)
    """)
    con.executemany(f"insert into {LINKAGE} values ('pairwise_cross_province', ?, ?, ?, ?, ?, ?, ?)", [
        [r["segment"], r["precision"], r["recall"], r["f1"], r["true_positives"], r["predicted"], r["actual"]]
        for r in rows])
    if movers is not None:
        con.execute(f"""
            create or replace table {MOVERS} as
            with found as (
                select true_id, count(distinct national_person_key) = 1 as whole, bool_or(bad_nik) as bad_nik,
                    count(distinct province_code) as provinces
                from truth_records
                where true_id in (select national_person_id from read_parquet({_quoted(movers)}))
                group by true_id
            )
            select segment, count(*) as movers, count(*) filter (where whole) as movers_linked,
                count(*) filter (where whole) / nullif(count(*), 0) as recall
            from (select *, 'all' as segment from found
                  union all select *, 'nik_missing_or_corrupt' from found where bad_nik)
            where provinces > 1
            group by segment order by segment
        """)
    if namesakes is not None:
        con.execute(f"""
            create or replace table {NAMESAKES} as
            with placed as (select distinct true_id, national_person_key from truth_records),
            pairs as (
                select national_person_id_a as a, national_person_id_b as b
                from read_parquet({_quoted(namesakes)})
            ),
            joined as (
                select distinct pairs.a, pairs.b from pairs
                join placed as pa on pa.true_id = pairs.a
                join placed as pb on pb.true_id = pairs.b and pb.national_person_key = pa.national_person_key
            )
            select (select count(*) from pairs) as namesake_pairs, (select count(*) from joined) as falsely_linked
        """)
    return rows
