"""Score candidate pairs with the saved model: the deterministic NIK pairs plus Splink's scored pairs.

Runs on Splink's own in-memory connection holding the prepared records (records.py) after the deterministic pass
(deterministic.py). The model is loaded, never retrained; only its prior is rescaled to the number of records
(model.LoadedModel.settings_for).
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field

import duckdb
from splink import DuckDBAPI, Linker

from sepakat_dagster.defs.linkage.deterministic import DETERMINISTIC_PAIRS, NIK_METHOD
from sepakat_dagster.defs.linkage.model import LoadedModel
from sepakat_dagster.defs.linkage.records import RECORDS, scalar
from sepakat_dagster.defs.linkage.settings import BLOCKING_RULES, RECORDS_PER_PREDICT_CHUNK, THRESHOLDS, Thresholds

PERSON_LINKS = "person_links"
DETERMINISTIC_KEY = "deterministic_nik"


@dataclass
class PredictionResult:
    records: int
    comparisons: int  # pairs Splink scored (after blocking)
    comparisons_by_rule: dict[str, int]
    links_stored: int  # rows of person_links (deterministic + scored at or above the store threshold)
    deterministic_pairs: int
    blocking_seconds: float
    scoring_seconds: float
    model: str
    by_method: dict[str, int] = field(default_factory=dict)
    chunks: int = 1  # slices of the records scored one after another

    @property
    def comparisons_per_record(self) -> float:
        return self.comparisons / self.records if self.records else 0.0

    @property
    def comparisons_per_second(self) -> float:
        seconds = self.blocking_seconds + self.scoring_seconds
        return self.comparisons / seconds if seconds else 0.0


def chunks_for(records: int, per_chunk: int = RECORDS_PER_PREDICT_CHUNK) -> int:
    return max(1, math.ceil(records / per_chunk))


def score(con: duckdb.DuckDBPyConnection, model: LoadedModel, thresholds: Thresholds = THRESHOLDS,
          rule_names: tuple[str, ...] = tuple(name for name, _ in BLOCKING_RULES),
          chunks: int | None = None) -> PredictionResult:
    """Build `person_links` in `con`: one row per linked or scored pair, keys ordered (left < right).

    Splink blocks and scores one slice of the left-hand records at a time (`chunks` slices, by default one per
    RECORDS_PER_PREDICT_CHUNK records), so only one slice's candidate pairs exist at once; every slice's pairs at
    or above the store threshold are appended to a table in `con`.
    """
    records = scalar(con, f"select count(*) from {RECORDS}")
    linker = Linker(DuckDBAPI(con).register(RECORDS), model.settings_for(records), log_level=logging.WARNING)
    chunks = chunks or chunks_for(records)
    rule_case = " ".join(f"when '{i}' then '{name}'" for i, name in enumerate(rule_names))
    con.execute("""
        create or replace table scored_pairs (
            unique_id_l bigint, unique_id_r bigint, match_key varchar, match_weight double,
            match_probability double)
    """)
    counts: Counter[str] = Counter()
    blocking_seconds = scoring_seconds = 0.0
    for chunk in range(1, chunks + 1):
        left, right = (chunk, chunks), (1, 1)
        started = time.perf_counter()
        blocked = linker.inference.compute_blocked_pairs_for_predict_chunk(left_chunk=left, right_chunk=right)
        blocking_seconds += time.perf_counter() - started
        counts.update(dict(con.execute(
            f"select match_key, count(*) from {blocked.physical_name} group by match_key").fetchall()))
        started = time.perf_counter()
        predictions = linker.inference.predict_chunk(
            left_chunk=left, right_chunk=right, threshold_match_probability=thresholds.store, warning_mode="never")
        con.execute(f"""
            insert into scored_pairs
            select unique_id_l, unique_id_r, case match_key {rule_case} end, match_weight, match_probability
            from {predictions.physical_name}
        """)
        scoring_seconds += time.perf_counter() - started
        predictions.drop_table_from_database_and_remove_from_cache()
        blocked.drop_table_from_database_and_remove_from_cache()
    by_rule = {name: counts.get(str(i), 0) for i, name in enumerate(rule_names)}

    # No ORDER BY: nothing reads the links in order, and sorting a province's pairs on two text keys costs time.
    con.execute(f"""
        create or replace table {PERSON_LINKS} as
        with scored as (
            select unique_id_l, unique_id_r, 'splink' as method, match_key, match_weight, match_probability
            from scored_pairs
        ),
        deterministic as (
            select unique_id_l, unique_id_r, '{NIK_METHOD}' as method, '{DETERMINISTIC_KEY}' as match_key,
                null::double as match_weight, 1.0::double as match_probability
            from {DETERMINISTIC_PAIRS}
        ),
        links as (
            select * from deterministic
            union all
            select * from scored
        ),
        keyed as (
            select l.person_record_key as key_a, r.person_record_key as key_b, l.registry as registry_a,
                r.registry as registry_b, links.* exclude (unique_id_l, unique_id_r)
            from links
            join {RECORDS} as l on links.unique_id_l = l.unique_id
            join {RECORDS} as r on links.unique_id_r = r.unique_id
        )
        select
            least(key_a, key_b) as person_record_key_l,
            greatest(key_a, key_b) as person_record_key_r,
            case when key_a < key_b then registry_a else registry_b end as registry_l,
            case when key_a < key_b then registry_b else registry_a end as registry_r,
            keyed.* exclude (key_a, key_b, registry_a, registry_b)
        from keyed
    """)
    con.execute("drop table scored_pairs")
    by_method = dict(con.execute(f"select method, count(*) from {PERSON_LINKS} group by method").fetchall())
    return PredictionResult(
        records=records,
        comparisons=sum(by_rule.values()),
        comparisons_by_rule=by_rule,
        links_stored=sum(by_method.values()),
        deterministic_pairs=by_method.get(NIK_METHOD, 0),
        blocking_seconds=blocking_seconds,
        scoring_seconds=scoring_seconds,
        model=model.card.label,
        by_method=by_method,
        chunks=chunks,
    )
