"""Linkage quality against the generator's ground truth: the only code that reads truth/.

Three measures, each for all records and split by NIK status (from truth: a record's NIK is `nik_valid` when it
is present and as issued, `nik_missing_or_corrupt` when it is missing or was mistyped):

- pairwise: every two records in one predicted person (a pair), against every two records of one true person.
  A pair counts as nik_valid when both records are; as nik_missing_or_corrupt otherwise;
- cluster: a predicted person is correct when its records are exactly one true person's records. Precision is
  the share of predicted persons that are correct, recall the share of true persons found exactly; a person
  counts as nik_missing_or_corrupt when any of its records is;
- blocking: the share of true pairs that the deterministic pass or a blocking rule puts in front of the model
  (recall only: a pair missed here can never be linked directly).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sepakat_dagster.defs.linkage.records import RECORDS, scalar
from sepakat_dagster.defs.linkage.settings import blocking_rules_for_prediction
from sepakat_dagster.warehouse import fetch_dicts

EVALUATION = "evaluation"
NIK_CORRUPT_FLAGS = ("nik_missing", "nik_digit_error", "nik_transposition")


def record_map_path(truth_dir: Path | str) -> Path:
    return Path(truth_dir) / "record_map.parquet"


def _truth_records(con: duckdb.DuckDBPyConnection, truth_dir: Path, records: str, clusters: str) -> None:
    """`truth_records`: each record's number, its predicted person (null when no cluster holds it), its true
    person and its NIK status, in one pass, so that the measures below join no text key again."""
    path = record_map_path(truth_dir)
    if not path.exists():
        raise FileNotFoundError(f"no ground truth at {path}")
    corrupt = " or ".join(f"truth.{flag}" for flag in NIK_CORRUPT_FLAGS)
    con.execute(f"""
        create or replace table truth_records as
        select
            row_number() over () as record_number,
            records.person_record_key,
            clusters.person_id,
            truth.person_id as true_person_id,
            case when {corrupt} then 'nik_missing_or_corrupt' else 'nik_valid' end as nik_status
        from {records} as records
        left join {clusters} as clusters on records.person_record_key = clusters.person_record_key
        left join read_parquet('{path}') as truth
            on truth.source = records.source_table and truth.record_id = records.record_id
    """)
    unmapped = scalar(con, "select count(*) from truth_records where true_person_id is null")
    if unmapped:
        raise ValueError(f"{unmapped} linked records are not in the ground truth's record map")


def _metrics_sql(level: str, grouped: str) -> str:
    """Precision, recall and F1 from a relation with segment, true_positives, predicted, actual."""
    return f"""
        select
            '{level}' as level,
            segment,
            true_positives / nullif(predicted, 0) as precision,
            true_positives / nullif(actual, 0) as recall,
            2 * true_positives / nullif(predicted + actual, 0) as f1,
            true_positives,
            predicted,
            actual
        from ({grouped})
    """


def _by_segment(select: str, source: str) -> str:
    """The sums in `select` for each segment and for all rows together."""
    return f"""
        select coalesce(segment, 'all') as segment, {select}
        from {source}
        group by grouping sets ((segment), ())
    """


def evaluate(con: duckdb.DuckDBPyConnection, truth_dir: Path | str, clusters: str = "person_clusters",
             records: str = RECORDS, blocking: bool = True) -> list[dict]:
    """Build `evaluation` in `con` and return its rows.

    `clusters` has person_record_key and person_id; `records` has person_record_key, source_table, record_id
    and, for the blocking recall, the prepared columns the blocking rules use (with deterministic_group).
    """
    _truth_records(con, Path(truth_dir), records, clusters)
    # Pairs are made of record numbers, not keys: a province has millions of pairs on each side of the outer join.
    con.execute("""
        create or replace table evaluation_pairs as
        with true_pairs as (
            select l.record_number as number_l, r.record_number as number_r
            from truth_records as l
            join truth_records as r on l.true_person_id = r.true_person_id and l.record_number < r.record_number
        ),
        predicted_pairs as (
            select l.record_number as number_l, r.record_number as number_r
            from truth_records as l
            join truth_records as r on l.person_id = r.person_id and l.record_number < r.record_number
        ),
        outcomes as (
            select
                coalesce(t.number_l, p.number_l) as number_l,
                coalesce(t.number_r, p.number_r) as number_r,
                t.number_l is not null as is_true,
                p.number_l is not null as is_predicted
            from true_pairs as t
            full outer join predicted_pairs as p on t.number_l = p.number_l and t.number_r = p.number_r
        )
        select
            outcomes.*,
            case when a.nik_status = 'nik_valid' and b.nik_status = 'nik_valid' then 'nik_valid'
                else 'nik_missing_or_corrupt' end as segment
        from outcomes
        join truth_records as a on outcomes.number_l = a.record_number
        join truth_records as b on outcomes.number_r = b.record_number
    """)
    pairwise = _by_segment(
        "count(*) filter (where is_true and is_predicted) as true_positives, "
        "count(*) filter (where is_predicted) as predicted, count(*) filter (where is_true) as actual",
        "evaluation_pairs",
    )
    con.execute("""
        create or replace table evaluation_clusters as
        with predicted as (
            select person_id, count(*) as size, count(distinct true_person_id) as true_ids,
                min(true_person_id) as true_person_id, bool_or(nik_status <> 'nik_valid') as has_bad_nik
            from truth_records where person_id is not null group by person_id
        ),
        actual as (
            select true_person_id, count(*) as size, bool_or(nik_status <> 'nik_valid') as has_bad_nik
            from truth_records group by true_person_id
        ),
        correct as (
            select predicted.person_id
            from predicted
            join actual on predicted.true_ids = 1 and predicted.true_person_id = actual.true_person_id
                and predicted.size = actual.size
        )
        select 'predicted' as side, has_bad_nik, person_id in (select person_id from correct) as correct
        from predicted
        union all
        select 'actual', has_bad_nik, null from actual
    """)
    cluster_level = _by_segment(
        "count(*) filter (where side = 'predicted' and correct) as true_positives, "
        "count(*) filter (where side = 'predicted') as predicted, count(*) filter (where side = 'actual') as actual",
        "(select *, case when has_bad_nik then 'nik_missing_or_corrupt' else 'nik_valid' end as segment "
        "from evaluation_clusters)",
    )
    parts = [_metrics_sql("pairwise", pairwise), _metrics_sql("cluster", cluster_level)]
    if blocking:
        parts.append(_blocking_sql(records))
    con.execute(f"""
        create or replace table {EVALUATION} as
        select * from ({' union all '.join(parts)})
        order by case level when 'pairwise' then 1 when 'cluster' then 2 else 3 end,
            case segment when 'all' then 1 when 'nik_valid' then 2 else 3 end
    """)
    return fetch_dicts(con, f"select * from {EVALUATION}")


def _blocking_sql(records: str) -> str:
    """Recall of candidate generation: true pairs linked by the deterministic pass or met by a blocking rule."""
    covered = " or ".join(
        ["coalesce(l.deterministic_group = r.deterministic_group, false)"]
        + [f"coalesce({sql}, false)" for sql in blocking_rules_for_prediction()]
    )
    return f"""
        select 'blocking' as level, segment, null::double as precision, covered / nullif(actual, 0) as recall,
            null::double as f1, covered as true_positives, null::bigint as predicted, actual
        from (
            select coalesce(segment, 'all') as segment, count(*) filter (where is_covered) as covered,
                count(*) as actual
            from (
                with numbered_records as (
                    select truth_records.record_number, records.*
                    from {records} as records
                    join truth_records on records.person_record_key = truth_records.person_record_key
                )
                select pairs.segment, {covered} as is_covered
                from evaluation_pairs as pairs
                join numbered_records as l on pairs.number_l = l.record_number
                join numbered_records as r on pairs.number_r = r.record_number
                where pairs.is_true
            )
            group by grouping sets ((segment), ())
        )
    """

