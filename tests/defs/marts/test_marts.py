"""The marts stage in Dagster: the whole graph (sources -> dbt harmonisation -> linkage -> dbt marts -> checks ->
exports and evaluation) materialised for real on the session's province; the marts' reconciliation identities (dbt
tests) that pass, fail when a mart does not add up and then stop the exports and the evaluation; the evaluation
against the ground truth within stated tolerances; no personal data in metadata or logs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sepakat_dagster.defs.marts import export
from sepakat_dagster.defs.marts.assets import EXPORT_FOLDER, EXPORTS_KEY, TARGETING_EVALUATION_KEY
from tests.dbt.conftest import run_dbt
from tests.defs.marts.helpers import Pipeline, graph_definitions, identity_tests, materialise, materialised_pipeline
from tests.defs.publish.helpers import file_digest, publishing

MARTS = ("person_registry_presence", "targeting_list", "targeting_errors", "registry_coverage", "spm_indicators",
         "spm_indicators_published", "budget_reallocation", "rad_pd_disability_by_sex", "hazard_households_by_decile",
         "rad_pd_disability_by_domain", "rad_pd_disability_coverage", "housing_rtlh_by_rule_set",
         "housing_services_by_decile", "out_of_school_children", "health_insurance_coverage",
         "hazard_zone_households", "slum_households_by_decile", "coastal_flood_households_by_decile",
         "disaster_events_by_regency",
         "welfare_distribution_by_decile", "welfare_distribution_by_decile_published",
         "welfare_distribution_by_percentile", "welfare_distribution_by_percentile_published",
         "welfare_distribution_by_ranking", "welfare_distribution_by_ranking_published", "welfare_ranking_agreement",
         "village_proposal_counts", "village_data_update_scorecard", "regency_data_update_scorecard")
# How far the linked province rates may be from the rates with true identities (same rule and data, perfect
# linkage). Inclusion errors depend on linkage alone; exclusion errors also count the eligible people no registry
# lists (children born after Regsosek in households DTKS has not updated), whom no linkage can find.
INCLUSION_TOLERANCE = 0.03
EXCLUSION_TOLERANCE = 0.06
# The marts whose arithmetic is reconciled by identity tests (the others are checked by their dbt tests alone).
RECONCILED = ("targeting_errors", "budget_reallocation", "registry_coverage", "spm_indicators",
              "person_registry_presence", "targeting_list", "hazard_zone_households", "disaster_events_by_regency",
              "spm_indicator_catalogue", "spm_planning_targets", "welfare_distribution_by_decile",
              "welfare_distribution_by_percentile", "welfare_distribution_by_ranking", "welfare_ranking_agreement",
              "village_proposal_counts", "village_data_update_scorecard", "regency_data_update_scorecard")


@pytest.fixture(scope="module")
def pipeline(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return materialised_pipeline(demo_dir, tmp_path_factory)


def test_the_marts_are_their_own_dbt_step_downstream_of_the_linkage():
    from sepakat_dagster.definitions import defs
    from sepakat_dagster.defs.dbt.assets import sepakat_dbt_harmonisation, sepakat_dbt_marts

    mart_keys = {dg.AssetKey(["marts", name]) for name in MARTS}
    assert mart_keys <= set(sepakat_dbt_marts.keys), "the marts selection of the dbt assets matched no marts"
    assert not mart_keys & set(sepakat_dbt_harmonisation.keys)
    graph = defs().get_repository_def().asset_graph
    upstream = graph.get(dg.AssetKey(["intermediate", "int_marts_person_records"])).parent_keys
    assert dg.AssetKey(["linkage", "person_clusters"]) in upstream
    assert {graph.get(key).group_name for key in mart_keys} == {"marts"}
    assert graph.get(TARGETING_EVALUATION_KEY).group_name == "evaluation"
    assert graph.get(EXPORTS_KEY).group_name == "marts"
    # Each identity is a check of its mart in the marts' dbt step, whose failure stops the exports and evaluation.
    identities = identity_tests()
    assert set(identities.values()) == set(RECONCILED)
    assert {dg.AssetCheckKey(dg.AssetKey(["marts", mart]), name) for name, mart in identities.items()} \
        <= set(sepakat_dbt_marts.check_keys)
    assert all(graph.get(key).parent_keys & set(sepakat_dbt_marts.keys)
               for key in (EXPORTS_KEY, TARGETING_EVALUATION_KEY))


def test_the_whole_graph_materialises_and_the_marts_reconcile(pipeline: Pipeline):
    assert pipeline.result.success
    materialised = {event.asset_key for event in pipeline.result.get_asset_materialization_events()}
    assert {dg.AssetKey(["marts", name]) for name in MARTS} | {TARGETING_EVALUATION_KEY, EXPORTS_KEY} <= materialised
    evaluations = {(e.asset_key, e.check_name): e for e in pipeline.result.get_asset_check_evaluations()}
    reconciliations = {key: e for key, e in evaluations.items() if key[1] in identity_tests()}
    assert len(reconciliations) == len(identity_tests())
    assert all(e.passed for e in reconciliations.values())
    # Every dbt test of the marts passed too (the harmonisation's expected warnings are not ours).
    marts_checks = [e for (key, _), e in evaluations.items() if key.path[0] == "marts"
                    or key.path[-1].startswith("int_marts_")]
    assert marts_checks and all(e.passed for e in marts_checks)


def test_every_dbt_model_reports_its_row_count_and_a_preview_without_personal_columns(pipeline: Pipeline):
    counts = {e.asset_key: e.materialization.metadata.get("dagster/row_count")
              for e in pipeline.result.get_asset_materialization_events()
              if e.asset_key.path[0] in ("staging", "intermediate", "marts", "reference")}
    assert len(counts) > 40 and not [key for key, count in counts.items() if count is None]
    targeting = dg.AssetKey(["marts", "targeting_list"])
    assert counts[targeting].value == pipeline.scalar("select count(*) from marts.targeting_list") > 0
    previews = {e.asset_key: e.materialization.metadata["preview"].value
                for e in pipeline.result.get_asset_materialization_events() if e.asset_key in counts}
    assert previews.keys() == counts.keys()
    # The by-name list is internal: its row count, no rows (not even its non-personal columns).
    assert previews[targeting].startswith("Internal table") and "|" not in previews[targeting]
    assert "region_name" in previews[dg.AssetKey(["marts", "spm_indicators_published"])]  # publishable: whole
    # Internal tables by their row count only (docs/marts.md, "Disclosure"; test_disclosure.py checks each).
    assert previews[dg.AssetKey(["marts", "targeting_errors"])].startswith("Internal table")


def test_linked_error_rates_are_within_tolerance_of_the_truth(pipeline: Pipeline):
    events = pipeline.result.get_asset_materialization_events()
    (event,) = [e for e in events if e.asset_key == TARGETING_EVALUATION_KEY]
    metadata = event.materialization.metadata
    for program in ("pbi_jk", "bpnt", "pkh"):
        inclusion = metadata[f"{program}_inclusion_rate_difference"].value
        exclusion = metadata[f"{program}_exclusion_rate_difference"].value
        assert abs(inclusion) <= INCLUSION_TOLERANCE, (program, inclusion)
        assert abs(exclusion) <= EXCLUSION_TOLERANCE, (program, exclusion)
    bases = {row[0] for row in pipeline.query("select distinct basis from evaluation.targeting_vs_truth")}
    assert bases == {"linked", "truth_identities", "true_welfare"}


def test_no_name_nik_kk_or_address_reaches_metadata_or_logs(pipeline: Pipeline):
    result = pipeline.result
    texts = [str(value.value) for event in result.get_asset_materialization_events()
             for value in event.materialization.metadata.values()]
    texts += [str(value.value) for e in result.get_asset_check_evaluations() for value in e.metadata.values()]
    texts += [event.message or "" for event in result.all_events]
    text = "\n".join(texts)
    names = [row[0] for row in pipeline.query(
        "select distinct full_name from intermediate.int_marts_persons where length(full_name) > 8")]
    niks = [row[0] for row in pipeline.query("select distinct nik from intermediate.int_marts_persons "
                                             "where nik is not null")]
    addresses = [row[0] for row in pipeline.query(
        "select distinct address from intermediate.int_marts_families where length(address) > 12")]
    kk_numbers = [row[0] for row in pipeline.query(
        "select distinct kk_number from intermediate.int_households where kk_number is not null")]
    assert names and niks and addresses and kk_numbers
    assert not [value for value in names + niks + addresses + kk_numbers if value in text]


def test_the_exports_hold_one_regency_each_with_the_allowed_columns(pipeline: Pipeline):
    folder = pipeline.exports / EXPORT_FOLDER
    files = sorted(folder.glob("*/*.csv"))
    (event,) = [e for e in pipeline.result.get_asset_materialization_events() if e.asset_key == EXPORTS_KEY]
    assert len(files) == event.materialization.metadata["files"].value > 0
    total = 0
    with duckdb.connect() as con:
        for path in files:
            columns = [d[0] for d in con.execute(f"select * from read_csv('{path}', all_varchar = true) limit 0"
                                                 ).description]
            assert tuple(columns) == export.allowed_columns()
            regencies = con.execute(f"select distinct regency_code from read_csv('{path}', all_varchar = true)"
                                    ).fetchall()
            assert regencies in ([(path.stem,)], [])
            total += con.execute(f"select count(*) from read_csv('{path}')").fetchone()[0]
    assert total == pipeline.scalar("select count(*) from marts.targeting_list")


# One regency gains an eligible person its province total does not have, and breaks eligible = correct + exclusion,
# its rate, its districts and the province; one budget row loses a rupiah of its net reallocation, and breaks its
# net, its financing split and the sum of its regencies. One breaking row each; every other identity holds.
BROKEN_IDENTITIES = {
    "targeting_errors_eligible_is_correct_plus_exclusion", "targeting_errors_rates_are_errors_over_their_base",
    "targeting_errors_regencies_sum_to_the_province", "targeting_errors_districts_sum_to_their_regency",
    "budget_reallocation_net_is_savings_minus_cost_of_exclusion",
    "budget_reallocation_financing_parts_sum_to_the_whole", "budget_reallocation_regencies_sum_to_the_province",
}


def break_two_marts(pipeline: Pipeline, folder: Path) -> Path:
    """A copy of the warehouse whose targeting_errors and budget_reallocation no longer add up."""
    copy = pipeline.copy_warehouse(folder)
    with duckdb.connect(str(copy)) as con:
        con.execute("""
            update marts.targeting_errors set eligible = eligible + 1
            where (program, component, region_level, region_code) = (
                select (program, component, region_level, region_code) from marts.targeting_errors
                where program = 'pbi_jk' and component = 'all' and region_level = 'regency'
                order by region_code limit 1)
        """)
        con.execute("""
            update marts.budget_reallocation set net_reallocation_idr = net_reallocation_idr - 1
            where program = 'bpnt' and region_level = 'province'
        """)
    return copy


def test_exactly_the_identities_a_broken_mart_breaks_fail(pipeline: Pipeline, tmp_path: Path):
    copy = break_two_marts(pipeline, tmp_path / "wh")
    run = run_dbt(["test", "--select", *identity_tests()], copy, tmp_path / "target")
    assert run.results.keys() == identity_tests().keys(), run.output[-2000:]
    failed = {name: result["failures"] for name, result in run.results.items() if result["status"] != "pass"}
    assert failed == dict.fromkeys(BROKEN_IDENTITIES, 1)
    assert {run.status(name) for name in failed} == {"fail"}  # error severity: it stops `dbt build`


def test_marts_that_do_not_add_up_stop_the_exports_and_the_evaluation(pipeline: Pipeline, tmp_path: Path):
    from sepakat_dagster.defs.dbt.assets import sepakat_dbt_marts

    copy = break_two_marts(pipeline, tmp_path / "wh")
    published = file_digest(copy)
    identities = [key for key in sepakat_dbt_marts.check_keys if key.name in identity_tests()]
    result = materialise(copy, pipeline.truth.parent / "landing", pipeline.truth, tmp_path / "exports",
                         selection=publishing(dg.AssetSelection.checks(*identities)
                                              | dg.AssetSelection.assets(EXPORTS_KEY, TARGETING_EVALUATION_KEY)))
    assert not result.success
    assert {e.check_name for e in result.get_asset_check_evaluations() if not e.passed} == BROKEN_IDENTITIES
    assert not result.get_asset_materialization_events()  # neither the exports, the evaluation nor `publish` ran
    assert file_digest(copy) == published


def test_without_ground_truth_the_evaluation_says_so(pipeline: Pipeline, tmp_path: Path):
    copy = pipeline.copy_warehouse(tmp_path / "wh")
    assets, _ = graph_definitions()
    evaluation = [a for a in assets if TARGETING_EVALUATION_KEY in a.keys]
    result = materialise(copy, pipeline.truth.parent / "landing", tmp_path / "no_truth", tmp_path / "exports",
                         selection=publishing(dg.AssetSelection.assets(*evaluation)))
    assert result.success
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key == TARGETING_EVALUATION_KEY]
    assert event.materialization.metadata["ground_truth"].value == "none"
    with duckdb.connect(str(copy), read_only=True) as con:
        assert not con.execute("select count(*) from information_schema.tables where table_schema = 'evaluation' "
                               "and table_name = 'targeting_vs_truth'").fetchone()[0]
