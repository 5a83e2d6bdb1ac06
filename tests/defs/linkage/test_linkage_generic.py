"""`sepakat link` on files of another layout: the mapping YAML, linking two files and deduplicating one."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
import splink.comparison_library as cl
from splink import SettingsCreator

from sepakat_dagster.cli import main
from sepakat_dagster.defs.linkage import records, train
from sepakat_dagster.defs.linkage.generic import GENERIC_RECORDS, normalise_name_sql, prepare_sql
from sepakat_dagster.defs.linkage.mapping import MappingError, parse_mapping
from sepakat_dagster.defs.linkage.settings import name_comparison
from tests.defs.linkage.planted import MAPPING_YAML, write_planted_pair


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str]]]:
    folder = tmp_path_factory.mktemp("planted")
    pairs = write_planted_pair(folder)
    (folder / "mapping.yaml").write_text(MAPPING_YAML)
    return folder, pairs


def test_linking_two_files_in_other_layouts_finds_the_planted_matches(planted, tmp_path, capsys):
    folder, pairs = planted
    out = tmp_path / "out"
    code = main(["link", str(folder / "clinic.csv"), str(folder / "benefits.csv"),
                 "--config", str(folder / "mapping.yaml"), "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    with duckdb.connect() as con:
        found = set(con.execute(f"""
            select record_id_l, record_id_r from read_csv('{out / "pairs.csv"}', all_varchar = true)
            where match_probability::double >= 0.95
        """).fetchall())
        clusters = con.execute(f"select count(distinct cluster_id) from read_csv('{out / 'clusters.csv'}') "
                               "where cluster_size > 1").fetchall()[0][0]
        records = con.execute(f"select count(*) from read_csv('{out / 'clusters.csv'}')").fetchall()[0][0]
    true_positives = len(found & pairs)
    assert true_positives / len(found) >= 0.98  # relatives with the same surname and postcode are not linked
    assert true_positives / len(pairs) >= 0.95
    assert records == 400 + 390  # every record of both files, once
    assert f"{len(found):,} pairs at or above the match threshold" in printed
    assert f"{clusters:,} clusters of two or more records" in printed
    assert (out / "model.json").exists()


def test_a_saved_model_scores_without_training_again(planted, tmp_path, capsys):
    folder, _ = planted
    args = [str(folder / "clinic.csv"), str(folder / "benefits.csv"), "--config", str(folder / "mapping.yaml")]
    assert main(["link", *args, "--out", str(tmp_path / "first")]) == 0
    saved = tmp_path / "first" / "model.json"
    assert main(["link", *args, "--out", str(tmp_path / "second"), "--model", str(saved)]) == 0
    read = [(tmp_path / run / "pairs.csv").read_text() for run in ("first", "second")]
    assert read[0] == read[1]


def test_deduplicating_one_file_finds_the_records_entered_twice(tmp_path, capsys):
    rows = [["id", "name", "born", "sex"]]
    people = [("Anna Schmidt", "1980-02-03", "F"), ("Jonas Weber", "1975-11-30", "M"),
              ("Lena Fischer", "1992-07-14", "F"), ("Paul Wagner", "1968-01-09", "M"),
              ("Marie Becker", "2001-05-21", "F"), ("Felix Hoffmann", "1989-12-12", "M")] * 1
    for i, (name, born, sex) in enumerate(people):
        rows.append([f"r{i}", name, born, sex])
    rows.append(["r100", "Schmidt, Anna", "1980-02-03", "F"])  # reordered
    rows.append(["r101", "Jonas Webber", "1975-11-30", "M"])  # typo
    path = tmp_path / "people.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    config = tmp_path / "mapping.yaml"
    config.write_text("version: 1\ncolumns: {record_id: id, full_name: name, birth_date: born, sex: sex}\n"
                      "output: {format: parquet}\n")
    assert main(["link", str(path), "--config", str(config), "--out", str(tmp_path / "out")]) == 0
    with duckdb.connect() as con:
        together = con.execute(f"""
            select list(record_id order by record_id) from '{tmp_path / "out" / "clusters.parquet"}'
            where cluster_size > 1 group by cluster_id order by 1
        """).fetchall()
    assert [row[0] for row in together] == [["r0", "r100"], ["r1", "r101"]]
    printed = capsys.readouterr().out
    assert "Deduplicated 8 records" in printed and "2 clusters of two or more records" in printed


def test_names_go_through_the_dbt_macro():
    with duckdb.connect() as con:
        value = con.execute(f"select {normalise_name_sql('?')}", ["Drs. Djami Tjandra, S.Pd"]).fetchall()[0][0]
    assert value == "YAMI CANDRA"


@pytest.mark.parametrize(("raw", "message"), [
    ({"columns": {"full_name": "n"}}, "record_id is required"),
    ({"columns": {"record_id": "id"}}, "map full_name, or given_name"),
    ({"columns": {"record_id": "id", "full_name": "n", "shoe_size": "s"}}, "unknown role"),
    ({"columns": {"record_id": "id", "full_name": "n", "sex": {"column": "s", "values": {"X": "other"}}}},
     "male or female"),
    ({"columns": {"record_id": "id", "full_name": "n"}, "link": {"match_threshold": 0.2, "store_threshold": 0.5}},
     "store_threshold <= match_threshold"),
    ({"columns": {"record_id": "id", "full_name": "n"}, "output": {"format": "xlsx"}}, "parquet or csv"),
])
def test_mapping_errors_name_the_key(raw, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(raw)


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("columns: {record_id: patient_id, full_name: name_that_is_not_there}\n", "name_that_is_not_there"),
    ("columns: {record_id: patient_id, full_name: forename}\nlink: {match_threshold: high}\n",
     "link.match_threshold: Input should be a valid number"),
])
def test_a_mapping_that_does_not_fit_fails_with_exit_code_2(planted, tmp_path, capsys, yaml_text, message):
    """A column the file lacks, or a value of the wrong type: exit code 2 and a message naming it."""
    folder, _ = planted
    config = tmp_path / "mapping.yaml"
    config.write_text(yaml_text)
    code = main(["link", str(folder / "clinic.csv"), "--config", str(config), "--out", str(tmp_path / "out")])
    assert code == 2
    assert message in capsys.readouterr().err


def test_the_documented_example_mapping_parses():
    docs = Path(__file__).resolve().parents[3] / "docs" / "generic-linkage.md"
    text = docs.read_text()
    import yaml

    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    mapping = parse_mapping(yaml.safe_load(example))
    assert mapping.left.record_id and mapping.right.record_id


NAMED = {"record_id": "id", "full_name": "n"}


@pytest.mark.parametrize(("raw", "message"), [
    # Types are checked, and the message names the key down to the offending entry.
    ({"columns": NAMED, "link": {"seed": "forty-two"}}, r"^link\.seed: Input should be a valid integer"),
    ({"columns": {**NAMED, "region_code": {"column": "r", "levels": [2, 0]}}},
     r"^columns\.region_code\.levels\.1: Input should be greater than 0"),
    ({"columns": {**NAMED, "address": ["street", 7]}}, r"^columns\.address\.1: Input should be a valid string"),
    ({"columns": {**NAMED, "birth_date": {"column": "dob", "fmt": "%d/%m/%Y"}}},
     r"^columns\.birth_date\.fmt: unknown key"),
    # Extra keys are refused wherever they are, not silently ignored.
    ({"columns": NAMED, "link": {"match_treshold": 0.9}}, r"^link\.match_treshold: unknown key"),
    ({"columns": NAMED, "format": {"quote": "'"}}, r"^format\.quote: unknown key"),
    ({"columns": NAMED, "right": {"columns": {"sex": {"column": "s", "values": {"X": "other"}}}}},
     r"^right\.columns\.sex\.values\.X: expected male or female, got 'other'"),
    ({"columns": NAMED, "right": {"colour": "blue"}}, r"^right\.colour: unknown key"),
    ({"columns": NAMED, "version": 2}, r"^version: expected 1, got 2"),
    ({"columns": {"record_id": "", "full_name": "n"}}, r"^columns\.record_id: String should have at least 1"),
    ([1, 2], "must be a YAML mapping"),
])
def test_mapping_types_are_checked_and_errors_name_the_key(raw, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(raw)


def test_every_error_of_a_mapping_is_reported_at_once():
    with pytest.raises(MappingError) as raised:
        parse_mapping({"columns": NAMED, "link": {"seed": "x", "store_threshold": "low"}})
    assert "link.seed:" in str(raised.value) and "link.store_threshold:" in str(raised.value)


def test_a_file_section_overrides_the_shared_roles_and_null_drops_one():
    mapping = parse_mapping({
        "columns": {**NAMED, "birth_date": "dob", "sex": "sex", "address": "street"},
        "right": {"columns": {"record_id": "ref", "address": None, "sex": {"column": "g", "values": {"X": "male"}}},
                  "format": {"delimiter": ";"}},
    })
    assert mapping.left.address == ("street",) and mapping.right.address == ()
    assert mapping.right.record_id == "ref" and mapping.right.sex.values == {"x": "male"}
    assert mapping.left.birth_date.format == "%Y-%m-%d" and mapping.right.format.delimiter == ";"
    assert mapping.roles == {"record_id", "name", "birth_date", "sex"}  # address: only one file has it


def test_generic_records_carry_the_keys_of_the_registries_records():
    """The derived keys come from the same SQL as the province's records (records.DERIVED_KEYS)."""
    with duckdb.connect() as con:
        con.execute("create table standardised as select 'a' as unique_id, 'BUDI SANTOSO' as name_normalised, "
                    "date '1980-11-03' as birth_date")
        con.execute(prepare_sql("standardised"))
        row = con.execute(f"select name_tokens, name_tokens_sorted, first_name, last_name, name_initial, "
                          f"birth_year, birth_date_key from {GENERIC_RECORDS}").fetchall()[0]
    assert row == (["BUDI", "SANTOSO"], "BUDI SANTOSO", "BUDI", "SANTOSO", "B", 1980, 19800311)
    assert all(f"{sql} as {name}" in records.PREPARE_SQL for name, sql in records.DERIVED_KEYS.items())


def test_a_shared_name_token_is_its_own_level_only_when_asked():
    def labels(comparison) -> list[str]:
        return [level.create_label_for_charts() for level in comparison.create_comparison_levels()]

    assert "a name token in common" not in labels(name_comparison())  # the registries' model is unchanged
    assert labels(name_comparison(token_in_common=True))[-2:] == ["a name token in common", "All other comparisons"]


def test_training_falls_back_to_the_given_prior_when_the_rules_match_nothing():
    with duckdb.connect() as con:
        con.execute("create table people as select * from (values (1, 'ANNA'), (2, 'BUDI'), (3, 'CITRA')) "
                    "as t(unique_id, name_normalised)")
        settings = SettingsCreator(link_type="dedupe_only", comparisons=[cl.ExactMatch("name_normalised")])
        linker = train.fit(con, settings, table="people", prior_rules=("l.name_normalised = r.name_normalised",),
                           em_rules=(), u_max_pairs=3, prior_fallback=0.25)
        assert linker.misc.save_model_to_json()["probability_two_random_records_match"] == 0.25
