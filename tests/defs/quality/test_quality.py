"""The great-expectations gates inside the Dagster graph: one blocking check per suite on the asset it names,
every gate passes on the generated province, and a deliberately bad batch stops the run at its gate: the failing
expectation is reported and no mart changes."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sepakat_dagster.defs.quality.checks import CHECK_NAME
from sepakat_dagster.defs.quality.gates import load_gates
from sepakat_dagster.defs.quality.validate import run_gate
from sepakat_dagster.paths import SEEDS_DIR
from tests.defs.marts.helpers import Pipeline, materialise, materialised_pipeline
from tests.defs.publish.helpers import file_digest

MARTS = ("person_registry_presence", "targeting_list", "targeting_errors", "registry_coverage", "spm_indicators",
         "spm_indicators_published", "budget_reallocation")


@pytest.fixture(scope="module")
def pipeline(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return materialised_pipeline(demo_dir, tmp_path_factory)


def _fingerprints(warehouse: Path) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name: con.execute(f"select count(*), bit_xor(hash(t)) from marts.{name} t").fetchone()
                for name in MARTS}


def test_each_suite_is_a_blocking_check_on_its_asset():
    from sepakat_dagster.definitions import defs

    graph = defs().get_repository_def().asset_graph
    for gate in load_gates():
        key = dg.AssetCheckKey(dg.AssetKey(list(gate.asset_key)), CHECK_NAME)
        assert key in graph.asset_check_keys, gate.suite_name
        assert graph.get_check_spec(key).blocking


def test_every_gate_passes_on_the_province_and_data_docs_hold_no_person(pipeline: Pipeline):
    gates = {e.asset_key: e for e in pipeline.result.get_asset_check_evaluations() if e.check_name == CHECK_NAME}
    assert set(gates) == {dg.AssetKey(list(gate.asset_key)) for gate in load_gates()}
    failed = {key.to_user_string(): e.description for key, e in gates.items()
              if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR}
    assert not failed
    docs = pipeline.warehouse.parent / "reports" / "data_docs"
    assert (docs / "index.html").exists()
    written = "".join(p.read_text(errors="ignore") for p in docs.rglob("*.html"))
    niks = [row[0] for row in pipeline.query("select nik from intermediate.int_persons where nik is not null")]
    names = [row[0] for row in pipeline.query(
        "select full_name from intermediate.int_persons where length(full_name) > 8 limit 2000")]
    assert niks and names
    assert not [value for value in niks + names if value in written]


def test_the_targeting_list_gate_takes_its_programmes_and_band_from_the_rules_table(pipeline: Pipeline,
                                                                                  tmp_path: Path):
    """The gate's programmes and decile band are the rules' (seed -> intermediate.int_marts_program_rules), not
    a copy in the suite: the run used the seed's values, and a narrower rule fails the same list at once."""
    with (SEEDS_DIR / "rules" / "program_eligibility_rules.csv").open(newline="", encoding="utf-8") as file:
        seed = list(csv.DictReader(file))
    widest = max(int(rule["max_decile"]) for rule in seed)
    check = next(e for e in pipeline.result.get_asset_check_evaluations()
                 if e.asset_key == dg.AssetKey(["marts", "targeting_list"]) and e.check_name == CHECK_NAME)
    assert check.passed
    assert check.metadata["parameter/programs"].value == sorted({rule["program"] for rule in seed})
    assert check.metadata["parameter/highest_eligible_decile"].value == widest

    (gate,) = [gate for gate in load_gates() if gate.suite_name == "targeting_list"]
    warehouse = pipeline.copy_warehouse(tmp_path / "wh")
    dropped = sorted({rule["program"] for rule in seed})[0]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update intermediate.int_marts_program_rules set max_decile = max_decile - 1")
        con.execute("delete from intermediate.int_marts_program_rules where program = ?", [dropped])
        parameters = gate.parameter_values(con)
    assert parameters["highest_eligible_decile"] == widest - 1 and dropped not in parameters["programs"]
    outcome = run_gate(gate, warehouse, parameters, tmp_path / "reports", "narrower-rules")
    assert {(o.expectation, o.column) for o in outcome.critical_failures} == {
        ("expect_column_values_to_be_in_set", "program"), ("expect_column_values_to_be_between", "reference_decile")}


def rewrite_households(landing: Path, change: Callable[[dict], dict]) -> None:
    """The Regsosek household delivery in `landing` with `change` applied to every row."""
    (households,) = (landing / "regsosek").glob("regsosek_keluarga_*.csv")
    with households.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    with households.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(change(row) for row in rows)


def test_a_bad_batch_stops_at_its_gate_and_no_mart_changes(pipeline: Pipeline, tmp_path: Path):
    warehouse = pipeline.copy_warehouse(tmp_path / "wh")
    landing = tmp_path / "landing"
    shutil.copytree(pipeline.truth.parent / "landing", landing)
    # Every household put in decile 1: each value is a valid decile, so the loader accepts the file; only the
    # distribution expectation can tell that the delivery is broken.
    rewrite_households(landing, lambda row: {**row, "desil": "1"})
    before = _fingerprints(warehouse)
    published = file_digest(warehouse)

    result = materialise(warehouse, landing, pipeline.truth, tmp_path / "exports")

    assert not result.success
    gate = next(e for e in result.get_asset_check_evaluations()
                if e.asset_key == dg.AssetKey(["raw", "regsosek_keluarga"]) and e.check_name == CHECK_NAME)
    assert not gate.passed and gate.severity == dg.AssetCheckSeverity.ERROR
    assert "expect_column_kl_divergence_to_be_less_than(desil)" in gate.description
    assert "expect_column_kl_divergence_to_be_less_than" in gate.metadata["failed_expectations"].value
    materialised = {event.asset_key for event in result.get_asset_materialization_events()}
    assert dg.AssetKey(["raw", "regsosek_keluarga"]) in materialised
    assert not [key for key in materialised if key.path[0] in ("staging", "intermediate", "linkage", "marts")]
    assert _fingerprints(warehouse) == before
    assert file_digest(warehouse) == published  # raw was replaced in the run's candidate only


def test_a_delivery_in_another_coding_fails_harmonisation_and_nothing_is_published(pipeline: Pipeline,
                                                                                    tmp_path: Path):
    warehouse = pipeline.copy_warehouse(tmp_path / "wh")
    landing = tmp_path / "landing"
    shutil.copytree(pipeline.truth.parent / "landing", landing)
    # Roof materials in a coding the codebook does not know (101-109 for 1-9): still integers, so the loader and the
    # raw gate accept them; the staging model's `codes_are_mapped` test (at most 0.1 % unmapped) fails the build.
    rewrite_households(landing, lambda row: {**row, "atap": str(100 + int(row["atap"]))})
    published = file_digest(warehouse)

    result = materialise(warehouse, landing, pipeline.truth, tmp_path / "exports")

    assert not result.success
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert "codes_are_mapped_stg_regsosek__households__roof_material" in failed
    materialised = {event.asset_key for event in result.get_asset_materialization_events()}
    assert not [key for key in materialised if key.path[0] in ("linkage", "marts", "publish")]
    assert file_digest(warehouse) == published


def test_the_report_shows_every_suite_by_stage_and_links_the_data_docs(pipeline: Pipeline):
    reports = pipeline.warehouse.parent / "reports"
    document = (reports / "latest.html").read_text()
    section = document.split("Expectation suites by stage</span></h2>")[1].split("<h2>")[0]
    assert section.count("<tr>") == len(load_gates()) + 1  # a header and one row per suite
    assert 'href="data_docs/index.html"' in section and (reports / "data_docs" / "index.html").exists()
    # Publishable marts only (docs/marts.md, "Disclosure"): targeting errors and budget are internal.
    for heading in ("Disability by sex, for the RAD PD plan", "SPM achievement per indicator"):
        assert heading in document
    niks = [row[0] for row in pipeline.query("select nik from intermediate.int_persons where nik is not null")]
    assert not [nik for nik in niks if nik in document]
