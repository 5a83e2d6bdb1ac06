"""The deterministic pass, clustering, evaluation, review queue and model files on small hand-written records."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sepakat_dagster.defs.linkage import cluster, deterministic, evaluate, model, records, review, train
from sepakat_dagster.defs.linkage.settings import CLUSTER_LIMITS, ClusterLimits
from tests.defs.linkage.helpers import contract_table, person

NIK_A = "5301014503900001"  # female, born 05-03-1990
NIK_B = "5301011207850001"  # male, born 12-07-1985


@pytest.fixture
def con():
    connection = records.connect()
    yield connection
    connection.close()


def test_records_sharing_a_trusted_nik_with_compatible_names_are_linked(con):
    contract_table(con, [
        person("regsosek_individu:1", "MARIA GORETI LAKA", "1990-03-05", "female", NIK_A),
        person("dtks_art:1", "MARIA LAKA", "1990-03-05", "female", NIK_A),  # shortened: compatible
        person("p3ke_individu:1", "M G LAKA", "1990-03-05", "female", NIK_A),  # initials: compatible
        # The same NIK, but the record's own birth date disagrees with it: not trusted, left to Splink.
        person("p3ke_individu:2", "MARIA LAKA", "1990-05-03", "female", NIK_A, birth_date_disagrees_with_nik=True),
        # Another NIK shared by two people with nothing in common in their names: ambiguous, left to Splink.
        person("regsosek_individu:2", "YOHANES TEFA", "1985-07-12", "male", NIK_B),
        person("dtks_art:2", "ABRAHAM NENO", "1985-07-12", "male", NIK_B),
        person("dtks_art:3", "ANA NENO", "1999-01-01", "female", None),
    ])
    records.prepare(con, "int_persons")
    counts = deterministic.link_on_nik(con)
    pairs = con.execute("""
        select least(l.person_record_key, r.person_record_key), greatest(l.person_record_key, r.person_record_key)
        from deterministic_pairs as pairs
        join person_records as l on pairs.unique_id_l = l.unique_id
        join person_records as r on pairs.unique_id_r = r.unique_id
        order by all
    """).fetchall()
    assert pairs == [("dtks_art:1", "p3ke_individu:1"), ("dtks_art:1", "regsosek_individu:1"),
                     ("p3ke_individu:1", "regsosek_individu:1")]
    assert counts == {"trusted_nik_records": 5, "nik_groups_linked": 1, "nik_groups_ambiguous": 1,
                      "deterministic_pairs": 3}
    groups = dict(con.execute("select person_record_key, deterministic_group from person_records").fetchall())
    assert groups["p3ke_individu:2"] is None and groups["dtks_art:2"] is None and groups["dtks_art:3"] is None
    assert groups["regsosek_individu:1"] == NIK_A


def test_groups_recovered_from_stored_nik_links_equal_the_pass(con):
    contract_table(con, [
        person("regsosek_individu:1", "MARIA GORETI LAKA", "1990-03-05", "female", NIK_A),
        person("dtks_art:1", "MARIA LAKA", "1990-03-05", "female", NIK_A),
        person("p3ke_individu:2", "MARIA LAKA", "1990-05-03", "female", NIK_A, birth_date_disagrees_with_nik=True),
        person("regsosek_individu:2", "YOHANES TEFA", "1985-07-12", "male", NIK_B),
        person("dtks_art:2", "ABRAHAM NENO", "1985-07-12", "male", NIK_B),
        person("dtks_art:3", "ANA NENO", "1999-01-01", "female", None),
    ])
    records.prepare(con, "int_persons")
    deterministic.link_on_nik(con)
    groups = "select person_record_key, deterministic_group from person_records order by 1"
    from_pass = con.execute(groups).fetchall()
    con.execute(f"""
        create table stored_links as
        select l.person_record_key as person_record_key_l, r.person_record_key as person_record_key_r,
            '{deterministic.NIK_METHOD}' as method
        from deterministic_pairs as pairs
        join person_records as l on pairs.unique_id_l = l.unique_id
        join person_records as r on pairs.unique_id_r = r.unique_id
        union all select 'dtks_art:2', 'dtks_art:3', 'splink'  -- a scored link gives no group
    """)
    records.prepare(con, "int_persons")
    grouped = deterministic.groups_from_links(con, "stored_links")
    assert con.execute(groups.replace("person_records", grouped)).fetchall() == from_pass
    assert dict(from_pass)["dtks_art:1"] == NIK_A


def test_duplicate_record_keys_are_refused(con):
    contract_table(con, [person("dtks_art:1", "ANA", "1999-01-01", "female", None)] * 2)
    with pytest.raises(ValueError, match="not unique"):
        records.prepare(con, "int_persons")


def _clusters_from(con, nodes: list[str], links: list[tuple[str, str, float]], threshold: float = 0.95,
                   households: dict[str, str] | None = None, household_threshold: float | None = None,
                   limits: ClusterLimits = CLUSTER_LIMITS):
    con.execute("create or replace table nodes (person_record_key varchar, registry varchar, source_table varchar, "
                "record_id varchar, household_record_key varchar)")
    for key in nodes:
        source, record_id = key.split(":")
        con.execute("insert into nodes values (?, ?, ?, ?, ?)",
                    [key, source, source, record_id, (households or {}).get(key)])
    con.execute("create or replace table links (person_record_key_l varchar, person_record_key_r varchar, "
                "match_probability double)")
    for link in links:
        con.execute("insert into links values (?, ?, ?)", list(link))
    return cluster.cluster(con, "nodes", "links", threshold, limits, household_threshold=household_threshold)


def test_clusters_are_connected_components_named_by_their_smallest_key(con):
    summary = _clusters_from(con, ["a:1", "b:1", "c:1", "d:1", "e:1"],
                             [("b:1", "c:1", 0.99), ("a:1", "b:1", 1.0), ("d:1", "e:1", 0.5)])
    persons = dict(con.execute("select person_record_key, person_id from person_clusters").fetchall())
    assert persons == {"a:1": "a:1", "b:1": "a:1", "c:1": "a:1", "d:1": "d:1", "e:1": "e:1"}
    assert summary == {"records": 5, "persons": 3, "persons_with_several_records": 1, "largest_cluster": 3,
                       "household_links": 0, "oversized_persons_found": 0, "records_in_oversized_persons": 0}
    assert cluster.conservation(con, "person_clusters", "nodes")["missing"] == 0


def test_an_uncertain_pair_joins_when_other_members_already_join_its_two_households(con):
    households = {
        # A mother and child in a Regsosek household and in a DTKS household: the mothers link surely, the
        # children (no NIK) only at 0.7. Two other households have no member in common.
        "r:mother": "H1", "r:child": "H1", "d:mother": "H2", "d:child": "H2", "r:x": "H3", "d:x": "H4",
        # H5's two members and H6's one record: g1 is surely h1; g2 (another person of H5) is close to h1 too,
        # but the only record joining H5 and H6 besides g2 is h1 itself, which proves nothing about g2.
        "r:g1": "H5", "r:g2": "H5", "d:h1": "H6",
    }
    links = [("d:mother", "r:mother", 1.0), ("d:child", "r:child", 0.7), ("d:x", "r:x", 0.7),
             ("d:h1", "r:g1", 1.0), ("d:h1", "r:g2", 0.7)]
    summary = _clusters_from(con, list(households), links, households=households, household_threshold=0.5)
    persons = dict(con.execute("select person_record_key, person_id from person_clusters").fetchall())
    assert persons["r:child"] == persons["d:child"] != persons["r:mother"]
    assert persons["r:x"] != persons["d:x"]
    assert persons["r:g2"] not in (persons["r:g1"], persons["d:h1"])
    assert summary["household_links"] == 1 and summary["records"] == len(households)
    # Without the pass, the children stay apart; below the household threshold a pair never joins.
    _clusters_from(con, list(households), links, households=households)
    assert dict(con.execute("select person_record_key, person_id from person_clusters").fetchall())["d:child"] \
        == "d:child"
    _clusters_from(con, list(households), links, households=households, household_threshold=0.8)
    assert dict(con.execute("select person_record_key, person_id from person_clusters").fetchall())["d:child"] \
        == "d:child"


def test_a_household_link_merges_whole_persons_and_what_it_makes_too_big_is_repaired(con):
    # A mother links surely across H1 and H2. Her child is sure within each side (Regsosek with P3KE, DTKS with
    # another DTKS record) but only 0.7 across: the household link joins the two two-record persons.
    households = {"r:mother": "H1", "r:child": "H1", "d:mother": "H2", "d:child": "H2",
                  "p:child": "H3", "q:child": "H4"}
    links = [("d:mother", "r:mother", 1.0), ("p:child", "r:child", 1.0), ("d:child", "q:child", 1.0),
             ("d:child", "r:child", 0.7)]
    summary = _clusters_from(con, list(households), links, households=households, household_threshold=0.5)
    persons = dict(con.execute("select person_record_key, person_id from person_clusters").fetchall())
    assert persons["r:child"] == persons["p:child"] == persons["d:child"] == persons["q:child"] == "d:child"
    assert summary["household_links"] == 1 and summary["oversized_persons_found"] == 0

    # Four records are too many for a person of at most three: the merged person is split again on its sure
    # links, and its records say what they were split from, for the review queue.
    summary = _clusters_from(con, list(households), links, households=households, household_threshold=0.5,
                             limits=ClusterLimits(max_size=3, repair_thresholds=(0.99,)))
    rows = {key: (person, split) for key, person, split in con.execute(
        "select person_record_key, person_id, split_from from person_clusters").fetchall()}
    assert rows["r:child"][0] == rows["p:child"][0] != rows["d:child"][0] == rows["q:child"][0]
    assert {rows[key][1] for key in ("r:child", "p:child", "d:child", "q:child")} == {"d:child"}
    assert rows["r:mother"][1] is None
    assert summary["oversized_persons_found"] == 1 and summary["records_in_oversized_persons"] == 4
    assert summary["records"] == len(households)


def test_evaluation_counts_pairs_and_exact_clusters_by_nik_status(con, tmp_path):
    # Truth: persons 1 = {a, b}, 2 = {c}, 3 = {d, e}; c's NIK was mistyped.
    pq.write_table(pa.table({
        "source": ["a", "b", "c", "d", "e"], "record_id": ["1"] * 5, "person_id": [1, 1, 2, 3, 3],
        "nik_missing": [False] * 5, "nik_digit_error": [False, False, True, False, False],
        "nik_transposition": [False] * 5,
    }), tmp_path / "record_map.parquet")
    # Predicted: {a, b, c} and {d}, {e}.
    _clusters_from(con, ["a:1", "b:1", "c:1", "d:1", "e:1"], [("a:1", "b:1", 1.0), ("b:1", "c:1", 1.0)])
    rows = {(r["level"], r["segment"]): r for r in
            evaluate.evaluate(con, tmp_path, clusters="person_clusters", records="nodes", blocking=False)}
    # Pairs predicted ab, ac, bc; true ab, de. ab is right; ac and bc involve the corrupt NIK.
    assert rows["pairwise", "all"]["precision"] == pytest.approx(1 / 3)
    assert rows["pairwise", "all"]["recall"] == pytest.approx(1 / 2)
    assert rows["pairwise", "nik_valid"]["precision"] == 1.0
    assert rows["pairwise", "nik_valid"]["recall"] == pytest.approx(1 / 2)
    assert rows["pairwise", "nik_missing_or_corrupt"]["precision"] == 0.0
    # Clusters: predicted {abc}, {d}, {e}: none is a true person exactly; true persons 1, 2, 3 are not found.
    assert rows["cluster", "all"]["true_positives"] == 0
    assert rows["cluster", "all"]["predicted"] == 3 and rows["cluster", "all"]["actual"] == 3
    assert rows["cluster", "nik_missing_or_corrupt"]["predicted"] == 1


def test_evaluation_refuses_records_the_truth_does_not_know(con, tmp_path):
    pq.write_table(pa.table({"source": ["a"], "record_id": ["1"], "person_id": [1], "nik_missing": [False],
                             "nik_digit_error": [False], "nik_transposition": [False]}),
                   tmp_path / "record_map.parquet")
    _clusters_from(con, ["a:1", "b:1"], [])
    with pytest.raises(ValueError, match="1 linked records are not in the ground truth"):
        evaluate.evaluate(con, tmp_path, clusters="person_clusters", records="nodes", blocking=False)


def test_the_review_queue_holds_uncertain_pairs_with_the_fields_that_disagree(con):
    contract_table(con, [
        person("regsosek_individu:1", "MARIA LAKA", "1990-03-05", "female", NIK_A),
        person("dtks_art:1", "MARIA LEKI", "1990-03-05", "female", None, village="5301012002"),
        person("p3ke_individu:1", "MARIA LAKA", "1990-03-05", "female", NIK_A),
    ])
    con.execute("alter table int_persons add column full_name varchar")
    con.execute("update int_persons set full_name = name_normalised")
    con.execute("""create table links as select * from (values
        ('dtks_art:1', 'regsosek_individu:1', 'dtks', 'regsosek', 'splink', 'district_birth_date', 3.0, 0.8),
        ('p3ke_individu:1', 'regsosek_individu:1', 'p3ke', 'regsosek', 'nik', 'deterministic_nik', null, 1.0))
        as t(person_record_key_l, person_record_key_r, registry_l, registry_r, method, match_key, match_weight,
             match_probability)""")
    con.execute("create table clusters as select person_record_key, person_record_key as person_id, "
                "null::varchar as split_from from int_persons")
    counts = review.build_review_queue(con, "queue", "links", "int_persons", "clusters")
    assert counts["pairs"] == 1 and counts["already_same_person"] == 0
    row = con.execute("select person_record_key_l, disagreeing_fields, missing_fields from queue").fetchall()
    assert row == [("dtks_art:1", ["name", "village"], ["nik"])]


def _settings() -> dict:
    return {
        "probability_two_random_records_match": 0.001,
        "comparisons": [{"output_column_name": "name", "comparison_levels": [
            {"sql_condition": "n_l is null", "is_null_level": True},
            {"sql_condition": "n_l = n_r", "m_probability": 0.9, "u_probability": 0.01},
            {"sql_condition": "ELSE", "m_probability": 1e-12, "u_probability": 0.99},
        ]}],
    }


def test_a_saved_model_loads_with_its_card_and_rescales_its_prior(tmp_path):
    path = tmp_path / "person_model.json"
    first = model.save_model(_settings(), path, training_records=1_001, trained_on={"seed": 1})
    second = model.save_model(_settings(), path, training_records=1_001, trained_on={"seed": 1})
    assert (first.version, second.version) == (1, 2)
    loaded = model.load_model(path)
    assert loaded.card.label == "person-v2"
    # Twice the records: half the chance that two random records are one person.
    assert loaded.settings_for(2_001)["probability_two_random_records_match"] == pytest.approx(0.0005)
    assert json.loads(path.read_text())["linker_uid"] is None


def test_a_model_that_does_not_match_its_card_is_refused(tmp_path):
    path = tmp_path / "person_model.json"
    model.save_model(_settings(), path, training_records=10, trained_on={})
    path.write_text(path.read_text().replace("0.9", "0.8"))
    with pytest.raises(ValueError, match="does not match its card"):
        model.load_model(path)


def test_m_probabilities_are_floored_so_no_field_vetoes_a_match_alone():
    floored = train.floor_m_probabilities(_settings(), floor=0.001)
    levels = floored["comparisons"][0]["comparison_levels"]
    assert levels[2]["m_probability"] == pytest.approx(0.001 / 0.901)
    assert sum(level["m_probability"] for level in levels[1:]) == pytest.approx(1.0)
    assert levels[0].get("m_probability") is None


def test_the_committed_model_matches_the_code():
    from sepakat_dagster.defs.linkage import settings

    loaded = model.load_model()
    assert loaded.card.settings_version == model.SETTINGS_VERSION
    # Comparisons and blocking rules as the code writes them today: a change to settings.py needs a retrained
    # model (and a SETTINGS_VERSION bump).
    code = settings.settings_creator().get_settings("duckdb").as_dict()

    def conditions(s: dict) -> list:
        return [[level["sql_condition"] for level in c["comparison_levels"]] for c in s["comparisons"]]

    assert conditions(loaded.settings) == conditions(code)
    assert [r["blocking_rule"] for r in loaded.settings["blocking_rules_to_generate_predictions"]] == \
        [r["blocking_rule"] for r in code["blocking_rules_to_generate_predictions"]]
    weights = loaded.card.training_summary["match_weights"]
    assert set(weights) == {"name", "birth_date", "sex", "location", "nik"}
    # What a sane model learnt: agreement is evidence for, disagreement against.
    assert weights["name"]["Exact match on name_normalised"] > 5 > 0 > weights["name"]["All other comparisons"]
    assert weights["nik"]["exact, agreeing with both records"] > 10 > 0 > weights["nik"]["All other comparisons"]
    assert '"match_weights"' in model.charts_path(loaded.path).read_text()


def test_evaluation_is_the_only_linkage_module_that_reads_truth():
    from pathlib import Path

    # The linkage modules, not the Dagster definitions beside them: the `truth` resource names the folder the
    # evaluation asset reads.
    package = Path(records.__file__).parent
    modules = [p for p in package.glob("*.py") if "import dagster" not in p.read_text()]
    readers = sorted(p.name for p in modules if "record_map" in p.read_text())
    assert readers == ["evaluate.py"]


def test_connect_leaves_no_unfinished_result():
    with records.connect() as con:
        assert records.scalar(con, "select 41 + 1") == 42
        con.sql("select 1").fetchall()  # refused if a result were left open (duckdb 2.0)


def test_attached_warehouses_are_detached(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as writer:
        writer.execute("create table t as select 1 as x")
    with records.connect() as con:
        with records.attached(con, path) as alias:
            assert records.scalar(con, f"select count(*) from {alias}.t") == 1
        assert "warehouse" not in {row[0] for row in con.execute("select database_name from duckdb_databases()")
                                   .fetchall()}
