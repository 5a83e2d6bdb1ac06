"""The probabilistic cross-province pass: records the NIK cannot place, scored with Splink against the records of
other provinces that share their birth date and a name token.

Runs on its own scratch DuckDB file (as the province linkage does): the national candidate warehouse is attached
read-only, the candidate records are copied in, Splink blocks and scores them with the committed person model
(without its location comparison, settings.DROPPED_COMPARISONS), and the scored pairs, rolled up to pairs of
province persons, go back into the candidate DuckDB to DuckDB. Clustering is a separate step (cluster.py).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from splink import DuckDBAPI, Linker

from sepakat_dagster.defs.linkage import records
from sepakat_dagster.defs.linkage.model import LoadedModel
from sepakat_dagster.defs.linkage.records import DERIVED_KEYS, scalar
from sepakat_dagster.defs.linkage.settings import THRESHOLDS
from sepakat_dagster.defs.national.nik_index import NIK_CONFLICTS, NIK_INDEX, PERSON_RECORDS
from sepakat_dagster.defs.national.settings import (
    BLOCKING_RULES,
    CROSS_PROVINCE_PRIOR_FACTOR,
    CROSS_PROVINCE_SQL,
    DROPPED_COMPARISONS,
    ORIGIN_COMPARISON,
    ORIGIN_ELSE_M,
    ORIGIN_LEVELS,
    ORIGIN_REGION_COLUMNS,
    UNRESOLVED_SQL,
)

SCORED_PAIRS = "national.scored_pairs"
_RECORDS = "candidate_records"
# The columns the person model adjusts for term frequency (settings.name_comparison, birth_date_comparison).
TF_COLUMNS = ("name_normalised", "birth_date")


@dataclass
class Prediction:
    national_records: int  # every record of every province
    unresolved_records: int  # records the NIK cannot place
    candidate_records: int  # unresolved records and the records sharing a block with one
    comparisons: int
    person_pairs: int  # rows of national.scored_pairs
    seconds: float


def _origin_level(digits: int) -> str:
    region = ORIGIN_REGION_COLUMNS[digits]
    return (f"(nik_is_valid_l and left(nik_l, {digits}) = {region}_r) "
            f"or (nik_is_valid_r and left(nik_r, {digits}) = {region}_l)")


def origin_comparison(u: list[float]) -> dict:
    """settings.ORIGIN_LEVELS as a Splink comparison with its m (assumed) and `u` (counted, one per level)."""
    levels = [{"sql_condition": "not (coalesce(nik_is_valid_l, false) or coalesce(nik_is_valid_r, false))",
               "label_for_charts": "no valid NIK on either side", "is_null_level": True}]
    levels += [{"sql_condition": _origin_level(digits), "label_for_charts": label, "m_probability": m,
                "u_probability": level_u} for (label, digits, m), level_u in zip(ORIGIN_LEVELS, u, strict=True)]
    levels.append({"sql_condition": "ELSE", "label_for_charts": "All other comparisons",
                   "m_probability": ORIGIN_ELSE_M, "u_probability": max(1.0 - sum(u), 0.0)})
    return {"output_column_name": ORIGIN_COMPARISON, "comparison_levels": levels,
            "comparison_description": "where a valid NIK was registered against where the other record lives"}


def origin_u(con: duckdb.DuckDBPyConnection, national: str) -> list[float]:
    """Per level of ORIGIN_LEVELS, the share of pairs of records of two provinces at that level (and at no earlier
    one), counted from region totals: records whose valid NIK names a region outside their own province, times the
    records living in that region, over all cross-province pairs. A level no pair reaches gets one pair's share."""
    (cross,) = con.execute(f"""
        select (sum(n) * sum(n) - sum(n * n)) / 2 from (
            select count(*)::double as n from {national}.{PERSON_RECORDS} group by province_code)
    """).fetchone()
    if not cross:
        return [0.0 for _ in ORIGIN_LEVELS]
    reached = []
    for _, digits, _ in ORIGIN_LEVELS:
        region = ORIGIN_REGION_COLUMNS[digits]
        (pairs,) = con.execute(f"""
            with issued as (
                select left(nik, {digits}) as region, count(*)::double as n
                from {national}.{PERSON_RECORDS}
                where nik_is_valid and left(nik, 2) <> province_code group by 1
            ),
            living as (
                select {region} as region, count(*)::double as n from {national}.{PERSON_RECORDS} group by 1
            )
            select coalesce(sum(issued.n * living.n), 0) from issued join living using (region)
        """).fetchone()
        reached.append(pairs / cross)
    shares = [reached[0], *(later - earlier for earlier, later in itertools.pairwise(reached))]
    return [max(share, 1.0 / cross) for share in shares]


def national_settings(model: LoadedModel, national_records: int, u_origin: list[float]) -> dict:
    """The committed model for cross-province pairs: its comparisons except location, plus where a NIK was
    registered against where the other record lives; the national blocking rules limited to cross-province pairs
    with an unresolved record; its prior rescaled to the national records and to the share of true pairs that cross
    a province line."""
    settings = json.loads(json.dumps(model.settings_for(national_records)))
    settings["comparisons"] = [c for c in settings["comparisons"]
                               if c["output_column_name"] not in DROPPED_COMPARISONS]
    settings["comparisons"].append(origin_comparison(u_origin))
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": f"{sql} and {CROSS_PROVINCE_SQL}", "sql_dialect": "duckdb"} for _, sql in BLOCKING_RULES]
    settings["probability_two_random_records_match"] *= CROSS_PROVINCE_PRIOR_FACTOR
    return settings


def _meeting_unresolved(rule: str) -> tuple[str, str]:
    """A blocking rule (SQL over `l.` and `r.`) as the conditions under which a record (`records`) meets an
    unresolved record (`unresolved`) on either side: the semi-joins that choose Splink's candidates."""
    def placed(left: str, right: str) -> str:
        return re.sub(r"\br\.", f"{right}.", re.sub(r"\bl\.", f"{left}.", rule))
    return placed("unresolved", "records"), placed("records", "unresolved")


def _copy_candidates(con: duckdb.DuckDBPyConnection, national: str) -> tuple[int, int, int]:
    """The records Splink sees: every unresolved record, and every record sharing a blocking key with one. The
    blocking joins would otherwise run over the whole nation's records only to keep the few pairs with an
    unresolved side."""
    con.execute(f"""
        create table unresolved_keys as
        with conflicted as (
            select province_l as province_code, person_id_l as person_id from {national}.{NIK_CONFLICTS}
            union
            select province_r, person_id_r from {national}.{NIK_CONFLICTS}
        )
        select province_code, person_id, person_record_key from (
            select records.*, conflicted.person_id is not null as in_nik_conflict,
                coalesce(niks.provinces, 0) as nik_provinces
            from {national}.{PERSON_RECORDS} as records
            left join conflicted using (province_code, person_id)
            left join {national}.{NIK_INDEX} as niks using (nik, province_code, person_id)
        )
        where {UNRESOLVED_SQL}
    """)
    blocks = " or ".join(f"exists (select 1 from unresolved where {condition})"
                         for _, sql in BLOCKING_RULES for condition in _meeting_unresolved(sql))
    con.execute(f"""
        create table {_RECORDS} as
        with unresolved as (
            select records.* from {national}.{PERSON_RECORDS} as records
            join unresolved_keys using (province_code, person_id, person_record_key)
        )
        select
            row_number() over () as unique_id,
            records.province_code,
            records.person_id,
            records.nik,
            records.nik_is_valid,
            records.nik_is_consistent,
            records.nik_birth_date,
            records.name_normalised,
            {DERIVED_KEYS['name_tokens']} as name_tokens,
            records.name_tokens_sorted,
            records.first_name,
            records.last_name,
            records.sex,
            records.birth_date,
            records.district_code,
            records.regency_code,
            unresolved_keys.person_record_key is not null as unresolved
        from {national}.{PERSON_RECORDS} as records
        left join unresolved_keys using (province_code, person_id, person_record_key)
        where {blocks}
    """)
    # Term frequencies of the whole nation, not of the candidates: every candidate shares a birth date and a name
    # token with an unresolved record, so their own frequencies would make every name look common.
    for column in TF_COLUMNS:
        con.execute(f"""
            create table tf_{column} as
            select {column}, count(*) / sum(count(*)) over () as tf_{column}
            from {national}.{PERSON_RECORDS} where {column} is not null group by {column}
        """)
        con.execute(f"delete from tf_{column} where {column} not in (select {column} from {_RECORDS})")
    return (scalar(con, f"select count(*) from {national}.{PERSON_RECORDS}"),
            scalar(con, "select count(*) from unresolved_keys"),
            scalar(con, f"select count(*) from {_RECORDS}"))


def score(national_warehouse: Path, model: LoadedModel, threads: int | None = None) -> Prediction:
    """Score the cross-province candidate pairs and write `national.scored_pairs` into `national_warehouse`: one
    row per pair of province persons (ordered by province, then person), its best record pair's probability and
    weight and the blocking rule that found it. Pairs below the store threshold are not kept."""
    started = time.perf_counter()
    with records.scratch(national_warehouse, threads) as con:
        with records.attached(con, national_warehouse, alias="national_candidate") as national:
            national_records, unresolved, candidates = _copy_candidates(con, national)
            u_origin = origin_u(con, national)
        con.execute("""
            create table scored as
            select null::bigint as unique_id_l, null::bigint as unique_id_r, null::varchar as match_key,
                null::double as match_weight, null::double as match_probability
            where false
        """)
        comparisons = 0
        if unresolved:
            db_api = DuckDBAPI(con)
            linker = Linker(db_api.register(_RECORDS), national_settings(model, national_records, u_origin),
                            log_level=logging.WARNING)
            for column in TF_COLUMNS:
                linker.table_management.register_term_frequency_lookup(db_api.register(f"tf_{column}"), column)
            blocked = linker.inference.compute_blocked_pairs_for_predict_chunk(left_chunk=(1, 1), right_chunk=(1, 1))
            comparisons = scalar(con, f"select count(*) from {blocked.physical_name}")
            predictions = linker.inference.predict_chunk(
                left_chunk=(1, 1), right_chunk=(1, 1), threshold_match_probability=THRESHOLDS.store,
                warning_mode="never")
            con.execute(f"""
                insert into scored
                select unique_id_l, unique_id_r, match_key, match_weight, match_probability
                from {predictions.physical_name}
            """)
            predictions.drop_table_from_database_and_remove_from_cache()
            blocked.drop_table_from_database_and_remove_from_cache()
        rule_case = " ".join(f"when '{i}' then '{name}'" for i, (name, _) in enumerate(BLOCKING_RULES))
        con.execute(f"""
            create table person_pairs as
            with pairs as (
                select
                    l.province_code as province_a, l.person_id as person_a,
                    r.province_code as province_b, r.person_id as person_b,
                    case p.match_key {rule_case} end as match_key, p.match_weight, p.match_probability
                from scored as p
                join {_RECORDS} as l on p.unique_id_l = l.unique_id
                join {_RECORDS} as r on p.unique_id_r = r.unique_id
            ),
            ordered as (
                select
                    case when (province_a, person_a) < (province_b, person_b) then province_a else province_b end
                        as province_l,
                    case when (province_a, person_a) < (province_b, person_b) then person_a else person_b end
                        as person_id_l,
                    case when (province_a, person_a) < (province_b, person_b) then province_b else province_a end
                        as province_r,
                    case when (province_a, person_a) < (province_b, person_b) then person_b else person_a end
                        as person_id_r,
                    match_key, match_weight, match_probability
                from pairs
            )
            select province_l, person_id_l, province_r, person_id_r,
                max(match_probability) as match_probability,
                arg_max(match_weight, (match_probability, match_key)) as match_weight,
                arg_max(match_key, (match_probability, match_key)) as match_key
            from ordered
            group by all
        """)
        pairs = records.publish(con, national_warehouse, {SCORED_PAIRS: "person_pairs"})[SCORED_PAIRS]
    return Prediction(national_records, unresolved, candidates, comparisons, pairs, time.perf_counter() - started)
