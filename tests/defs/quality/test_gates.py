"""The gate catalogue and one gate run on a real DuckDB file: suites that could leak a person or block a large
province on a handful of records are refused, every committed suite builds in great-expectations, failures come
back as counts, and the file is free afterwards."""

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from sepakat_dagster.defs.dbt.project import sepakat_dbt_project
from sepakat_dagster.defs.quality import gates as gate_catalogue
from sepakat_dagster.defs.quality.gates import (
    EXPECTATIONS_DIR,
    STAGES,
    Gate,
    GateDefinitionError,
    load_gates,
    parse_gate,
)
from sepakat_dagster.defs.quality.validate import build_suite, run_gate
from sepakat_dagster.paths import SEEDS_DIR

NIKS = ["5301015003900001", "5301015003900002", "5301015003900002", None, "53010150039"]
INVARIANT = {"invariant": True, "why": "Guaranteed by the code under test."}
WHY = {"why": "A stated reason."}
NOT_NULL = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "nik"}}


def _suite(folder: Path, name: str, expectations: list, **sepakat) -> Path:
    config = {"stage": "raw", "asset": ["raw", "persons"], "table": "raw.persons", **sepakat}
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"name": name, "meta": {"sepakat": config}, "expectations": expectations}))
    return path


def test_every_committed_suite_builds_and_the_stages_are_all_gated():
    gates = load_gates()
    for gate in gates:
        assert len(build_suite(gate).expectations) == gate.expectation_count
    assert {gate.stage for gate in gates} == set(STAGES)
    assert any(e["type"] == "expect_column_kl_divergence_to_be_less_than" for g in gates for e in g.suite[
        "expectations"]), "a distribution expectation guards the deciles"


def _seed_values(gate: Gate) -> dict:
    """The values of the gate's parameters that read seed files (not the warehouse), as the check computes them."""
    from_seeds = {name: sql for name, sql in gate.parameters.items() if "read_csv" in sql}
    with duckdb.connect() as con:
        return replace(gate, parameters=from_seeds).parameter_values(con)


def test_raw_gates_take_their_code_lists_and_decile_bands_from_the_seed_files(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch):
    """Raw gates run before dbt loads the seeds, so their `{seeds}` parameters read the seed files: the committed
    seeds give the bands and codes the registries deliver, and a code added to a seed reaches the gate unedited."""
    values = {gate.suite_name: _seed_values(gate) for gate in load_gates() if gate.stage == "raw"}
    assert values["raw_regsosek_keluarga"]["national_deciles"] == {"values": list(range(1, 11)), "weights": [0.1] * 10}
    assert (values["raw_dtks_ruta"]["lowest_decile"], values["raw_dtks_ruta"]["highest_decile"]) == (1, 10)
    assert values["raw_p3ke_keluarga"]["decile_labels"] == [f"Desil {d}" for d in range(1, 5)]
    assert values["raw_regsosek_individu"]["sex_codes"] == [1, 2]
    assert values["raw_dtks_art"]["yes_no_codes"] == ["TIDAK", "YA"]

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    with (seeds / "codebooks" / "codebook_decile.csv").open("a", encoding="utf-8") as codebook:
        codebook.write("p3ke,DESIL 5,5,Desil 5\n")
    monkeypatch.setattr(gate_catalogue, "SEEDS_DIR", seeds)
    gate = parse_gate(EXPECTATIONS_DIR / "raw_p3ke_keluarga.json")
    assert _seed_values(gate)["decile_labels"] == [f"Desil {d}" for d in range(1, 6)]


def test_a_value_revealing_expectation_on_a_personal_column_is_refused(tmp_path: Path):
    path = _suite(tmp_path, "leaky", [{"type": "expect_column_max_to_be_between", "kwargs": {"column": "nik"}}])
    with pytest.raises(GateDefinitionError, match="personal column nik"):
        parse_gate(path)
    # A source's own name (from the catalogue) and a key are personal by the one definition, in any suite.
    for column in ("nama_pasien", "person_key_l"):
        named = _suite(tmp_path, column, [{"type": "expect_column_values_to_be_in_set",
                                           "kwargs": {"column": column, "value_set": ["x"]}}])
        with pytest.raises(GateDefinitionError, match=f"personal column {column}"):
            parse_gate(named)


def test_a_suite_cannot_keep_its_own_list_of_personal_columns(tmp_path: Path):
    path = _suite(tmp_path, "listed", [{**NOT_NULL, "meta": INVARIANT}], personal_columns=["nomor_hp"])
    with pytest.raises(GateDefinitionError, match="personal_columns is not read"):
        parse_gate(path)


def test_a_parameter_without_sql_and_an_unknown_expectation_are_refused(tmp_path: Path):
    path = _suite(tmp_path, "unbound", [{"type": "expect_table_row_count_to_equal",
                                         "kwargs": {"value": {"$PARAMETER": "raw_rows"}}}])
    with pytest.raises(GateDefinitionError, match="raw_rows"):
        parse_gate(path)
    typo = parse_gate(_suite(tmp_path, "typo", [{"type": "expect_column_values_to_be_nice",
                                                 "kwargs": {"column": "sex"}, "meta": INVARIANT}]))
    with pytest.raises(GateDefinitionError, match="expect_column_values_to_be_nice"):
        build_suite(typo)


@pytest.mark.parametrize(("expectation", "problem"), [
    (NOT_NULL, r"expectation 1 \(expect_column_values_to_not_be_null on nik\) has no meta.why"),
    ({**NOT_NULL, "kwargs": {"column": "nik", "mostly": 0.99}}, "has no meta.why"),
    ({**NOT_NULL, "meta": {"invariant": True}}, "has no meta.why"),
    ({**NOT_NULL, "meta": WHY}, "is a zero-tolerance count"),
    ({**NOT_NULL, "kwargs": {"column": "nik", "mostly": 1}, "meta": WHY}, "is a zero-tolerance count"),
    ({**NOT_NULL, "kwargs": {"column": "nik", "mostly": 0.99}, "meta": {**INVARIANT}},
     "marked invariant but tolerates a rate"),
    ({"type": "expect_table_row_count_to_equal", "kwargs": {"value": {"$PARAMETER": "rows"}}, "meta": WHY},
     r"\(expect_table_row_count_to_equal\) is a zero-tolerance count"),
])
def test_a_blocking_expectation_needs_a_rate_or_an_invariant_and_a_reason(tmp_path: Path, expectation: dict,
                                                                          problem: str):
    """A 5.5-million-person province once failed its refresh on 7 records: a critical expectation may not count
    bad rows with zero tolerance unless the code guarantees it, and it always says why."""
    path = _suite(tmp_path, "blocking", [expectation], parameters={"rows": "select 1"})
    with pytest.raises(GateDefinitionError, match=f"blocking.json: .*{problem}"):
        parse_gate(path)


def test_rates_invariants_scaled_expectations_and_warnings_are_accepted(tmp_path: Path):
    path = _suite(tmp_path, "accepted", [
        {**NOT_NULL, "kwargs": {"column": "nik", "mostly": 0.99}, "meta": WHY},
        {**NOT_NULL, "severity": "critical", "meta": INVARIANT},
        {"type": "expect_column_kl_divergence_to_be_less_than", "meta": WHY, "kwargs": {
            "column": "desil", "partition_object": {"values": [1, 2], "weights": [0.5, 0.5]}, "threshold": 0.5}},
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": {"$PARAMETER": "rows"}},
         "meta": WHY},
        {**NOT_NULL, "severity": "warning"},
    ], parameters={"rows": "select 1"})
    assert parse_gate(path).expectation_count == 5


def test_a_gate_reports_counts_not_people_and_releases_the_file(tmp_path: Path):
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.persons (nik varchar, desil integer)")
        rows = list(zip(NIKS, [1, 2, 3, 11, 4], strict=True))
        con.executemany("insert into raw.persons values (?, ?)", rows)
    path = _suite(tmp_path, "persons", [
        {"type": "expect_table_row_count_to_equal", "kwargs": {"value": {"$PARAMETER": "rows"}}, "meta": INVARIANT},
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "nik"}, "meta": INVARIANT},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "nik", "mostly": 0.9}, "meta": WHY},
        {"type": "expect_column_value_lengths_to_equal", "kwargs": {"column": "nik", "value": 16},
         "meta": INVARIANT},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "desil", "min_value": 1,
                                                                   "max_value": 10}, "severity": "warning"},
    ], parameters={"rows": "select 5"})
    outcome = run_gate(parse_gate(path), database, {"rows": 5}, tmp_path / "reports", "test-run")

    by_kind = {(o.expectation, o.column): o for o in outcome.outcomes}
    assert by_kind[("expect_table_row_count_to_equal", None)].success
    assert by_kind[("expect_column_values_to_be_unique", "nik")].observed.startswith("2 of")
    assert by_kind[("expect_column_values_to_not_be_null", "nik")].observed.startswith("1 of 5")
    assert not by_kind[("expect_column_value_lengths_to_equal", "nik")].success
    desil = by_kind[("expect_column_values_to_be_between", "desil")]
    assert not desil.success and desil.severity == "warning"
    assert not outcome.success and len(outcome.critical_failures) == 3

    assert outcome.docs_index.exists()
    written = "".join(p.read_text(errors="ignore") for p in (tmp_path / "reports").rglob("*") if p.is_file())
    written += repr(outcome)
    assert "persons" in written
    assert not [nik for nik in NIKS if nik and nik in written]
    # great-expectations let go of the file: another process can take the write lock at once.
    subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({str(database)!r}).execute('select 1')"],
                   check=True)


def test_the_stores_and_data_docs_keep_a_bounded_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from sepakat_dagster.defs.quality import validate

    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema raw; create table raw.persons as select 1 as desil")
    gate = parse_gate(_suite(tmp_path, "persons", [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "desil", "min_value": 1},
         "meta": INVARIANT}]))
    monkeypatch.setattr(validate, "KEEP_RUNS", 2)
    for night in ("run-1", "run-2", "run-3"):
        run_gate(gate, database, {}, tmp_path / "reports", night)
    stored = tmp_path / "reports" / "gx_stores" / "uncommitted" / "validations" / "persons"
    assert sorted(p.name for p in stored.iterdir()) == ["run-2", "run-3"]
    assert sorted(p.name for p in (tmp_path / "reports" / "data_docs" / "validations" / "persons").iterdir()) == [
        "run-2", "run-3"]


# A fact a dbt test already holds for a model's rows is not checked again by its great-expectations suite.
DBT_TEST_EXPECTATIONS = {"unique": "expect_column_values_to_be_unique",
                         "not_null": "expect_column_values_to_not_be_null"}


def test_no_suite_repeats_a_dbt_test_of_its_model():
    manifest = json.loads(sepakat_dbt_project().manifest_path.read_text())
    held_by_dbt = {
        (node["depends_on"]["nodes"][0].split(".")[-1], node["column_name"],
         DBT_TEST_EXPECTATIONS[node["test_metadata"]["name"]])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("test_metadata", {}).get("name") in DBT_TEST_EXPECTATIONS
    }
    repeated = [
        (gate.suite_name, expectation["kwargs"].get("column"))
        for gate in load_gates()
        for expectation in gate.suite["expectations"]
        if (gate.table.split(".")[-1], expectation["kwargs"].get("column"), expectation["type"]) in held_by_dbt
    ]
    assert held_by_dbt and not repeated
