"""The linkage on a small generated province (4,000 persons, dbt's int_persons) measured against its truth."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sepakat_dagster.defs.linkage import cluster, deterministic, evaluate, model, predict, records, train
from sepakat_dagster.defs.linkage.settings import THRESHOLDS

# Floors for a small province (about 7,000 records, so one wrong pair moves precision by 0.02 %); the goals on
# a full-size province are in benchmarks/bench_linkage.py.
FLOORS = {
    ("pairwise", "nik_valid"): {"precision": 0.998, "recall": 0.995},
    ("pairwise", "nik_missing_or_corrupt"): {"f1": 0.95},
    ("cluster", "all"): {"f1": 0.98},
    ("blocking", "all"): {"recall": 0.995},
}


def trained_threshold() -> float:
    return THRESHOLDS.match


@pytest.fixture(scope="module")
def linked(person_warehouse: Path, demo_dir: Path):
    """The committed model on the session's province: evaluation rows, clusters and the prediction summary."""
    con = records.connect()
    try:
        staged = records.copy_from_warehouse(con, person_warehouse)
        deterministic.link_on_nik(con)
        result = predict.score(con, model.load_model())
        cluster.cluster(con, records.RECORDS, predict.PERSON_LINKS, trained_threshold())
        rows = evaluate.evaluate(con, demo_dir / "truth")
        clusters = con.execute("select person_record_key, person_id from person_clusters order by 1").fetchall()
    finally:
        con.close()
    return {"rows": {(r["level"], r["segment"]): r for r in rows}, "clusters": clusters, "result": result,
            "staged": staged}


def test_linkage_meets_its_floors_by_nik_status(linked):
    for key, floors in FLOORS.items():
        for measure, floor in floors.items():
            assert linked["rows"][key][measure] >= floor, (key, measure, linked["rows"][key][measure])
    # The split covers every true pair: the two NIK segments add up to all.
    pairs = linked["rows"]
    assert pairs["pairwise", "nik_valid"]["actual"] + pairs["pairwise", "nik_missing_or_corrupt"]["actual"] == \
        pairs["pairwise", "all"]["actual"]
    assert pairs["pairwise", "nik_missing_or_corrupt"]["actual"] > 0


def test_clusters_hold_every_staged_record_exactly_once(linked, person_warehouse):
    keys = [key for key, _ in linked["clusters"]]
    assert len(keys) == len(set(keys)) == linked["staged"]
    with duckdb.connect(str(person_warehouse), read_only=True) as con:
        staged = {row[0] for row in con.execute("select person_record_key from intermediate.int_persons").fetchall()}
    assert set(keys) == staged
    # Person ids are the smallest key of their cluster.
    members: dict[str, list[str]] = {}
    for key, person_id in linked["clusters"]:
        members.setdefault(person_id, []).append(key)
    assert all(person_id == min(keys) for person_id, keys in members.items())


def test_blocking_keeps_comparisons_per_record_low(linked):
    result = linked["result"]
    assert 0 < result.comparisons_per_record <= 30
    assert sum(result.comparisons_by_rule.values()) == result.comparisons
    assert result.deterministic_pairs > 0 and result.links_stored >= result.deterministic_pairs


def test_the_same_input_gives_the_same_persons(linked, person_warehouse):
    con = records.connect()
    try:
        records.copy_from_warehouse(con, person_warehouse)
        deterministic.link_on_nik(con)
        predict.score(con, model.load_model())
        cluster.cluster(con, records.RECORDS, predict.PERSON_LINKS, trained_threshold())
        again = con.execute("select person_record_key, person_id from person_clusters order by 1").fetchall()
    finally:
        con.close()
    assert again == linked["clusters"]


def test_a_model_trained_on_the_province_itself_links_it_too(person_warehouse, demo_dir, tmp_path):
    con = records.connect()
    try:
        count = records.copy_from_warehouse(con, person_warehouse)
        deterministic.link_on_nik(con)
        result = train.train(con, tmp_path / "person_model.json", {"description": "test"}, u_max_pairs=2e5)
        assert result.card.version == 1 and result.card.training_records == count
        charts = result.charts.read_text()
        for name in ("match_weights", "m_u_parameters", "parameter_estimate_comparisons"):
            assert f'"{name}"' in charts
        trained = model.load_model(result.model_path)
        predict.score(con, trained)
        cluster.cluster(con, records.RECORDS, predict.PERSON_LINKS, trained_threshold())
        rows = {(r["level"], r["segment"]): r for r in evaluate.evaluate(con, demo_dir / "truth", blocking=False)}
    finally:
        con.close()
    assert rows["pairwise", "nik_valid"]["precision"] >= 0.99
    assert rows["pairwise", "all"]["f1"] >= 0.97


def test_scoring_in_slices_gives_the_same_links(linked, person_warehouse):
    """A province larger than one slice is scored slice by slice: the pairs found must not depend on it."""
    con = records.connect()
    try:
        records.copy_from_warehouse(con, person_warehouse)
        deterministic.link_on_nik(con)
        sliced = predict.score(con, model.load_model(), chunks=3)
        links = con.execute(f"select person_record_key_l, person_record_key_r, round(match_probability, 9) "
                            f"from {predict.PERSON_LINKS} order by 1, 2").fetchall()
        whole = predict.score(con, model.load_model(), chunks=1)
        again = con.execute(f"select person_record_key_l, person_record_key_r, round(match_probability, 9) "
                            f"from {predict.PERSON_LINKS} order by 1, 2").fetchall()
    finally:
        con.close()
    assert sliced.chunks == 3 and whole.chunks == 1
    assert sliced.comparisons == whole.comparisons == linked["result"].comparisons
    assert links == again
