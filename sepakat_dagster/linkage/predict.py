"""Score candidate pairs with the saved model: the deterministic NIK pairs plus Splink's scored pairs.

Runs on Splink's own in-memory connection holding the prepared records (records.py) after the deterministic pass
(deterministic.py). The model is loaded, never retrained; only its prior is rescaled to the number of records
(model.LoadedModel.settings_for).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import duckdb
from splink import DuckDBAPI, Linker

from sepakat_dagster.linkage.deterministic import DETERMINISTIC_PAIRS
from sepakat_dagster.linkage.model import LoadedModel
from sepakat_dagster.linkage.records import RECORDS, scalar
from sepakat_dagster.linkage.settings import BLOCKING_RULES, THRESHOLDS, Thresholds

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

    @property
    def comparisons_per_record(self) -> float:
        return self.comparisons / self.records if self.records else 0.0

    @property
    def comparisons_per_second(self) -> float:
        seconds = self.blocking_seconds + self.scoring_seconds
        return self.comparisons / seconds if seconds else 0.0


def score(con: duckdb.DuckDBPyConnection, model: LoadedModel, thresholds: Thresholds = THRESHOLDS,
          rule_names: tuple[str, ...] = tuple(name for name, _ in BLOCKING_RULES)) -> PredictionResult:
    """Build `person_links` in `con`: one row per linked or scored pair, keys ordered (left < right)."""
    records = scalar(con, f"select count(*) from {RECORDS}")
    linker = Linker(DuckDBAPI(con).register(RECORDS), model.settings_for(records), log_level=logging.WARNING)

    started = time.perf_counter()
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    blocking_seconds = time.perf_counter() - started
    counts = dict(con.execute(
        f"select match_key, count(*) from {blocked.physical_name} group by match_key"
    ).fetchall())
    by_rule = {name: counts.get(str(i), 0) for i, name in enumerate(rule_names)}

    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=thresholds.store, warning_mode="never")
    scoring_seconds = time.perf_counter() - started

    rule_case = " ".join(f"when '{i}' then '{name}'" for i, name in enumerate(rule_names))
    con.execute(f"""
        create or replace table {PERSON_LINKS} as
        with scored as (
            select
                least(unique_id_l, unique_id_r) as person_record_key_l,
                greatest(unique_id_l, unique_id_r) as person_record_key_r,
                'splink' as method,
                case match_key {rule_case} end as match_key,
                match_weight,
                match_probability
            from {predictions.physical_name}
        ),
        deterministic as (
            select unique_id_l as person_record_key_l, unique_id_r as person_record_key_r,
                'nik' as method, '{DETERMINISTIC_KEY}' as match_key,
                null::double as match_weight, 1.0::double as match_probability
            from {DETERMINISTIC_PAIRS}
        ),
        links as (
            select * from deterministic
            union all
            select * from scored
        )
        select
            links.person_record_key_l,
            links.person_record_key_r,
            l.source_dataset as registry_l,
            r.source_dataset as registry_r,
            links.* exclude (person_record_key_l, person_record_key_r)
        from links
        join {RECORDS} as l on links.person_record_key_l = l.unique_id
        join {RECORDS} as r on links.person_record_key_r = r.unique_id
        order by links.person_record_key_l, links.person_record_key_r
    """)
    predictions.drop_table_from_database_and_remove_from_cache()
    blocked.drop_table_from_database_and_remove_from_cache()
    by_method = dict(con.execute(f"select method, count(*) from {PERSON_LINKS} group by method").fetchall())
    return PredictionResult(
        records=records,
        comparisons=sum(by_rule.values()),
        comparisons_by_rule=by_rule,
        links_stored=sum(by_method.values()),
        deterministic_pairs=by_method.get("nik", 0),
        blocking_seconds=blocking_seconds,
        scoring_seconds=scoring_seconds,
        model=model.card.label,
        by_method=by_method,
    )
