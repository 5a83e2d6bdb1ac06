"""Linkage assets materialised for real: dbt's int_persons of a generated province in a temporary warehouse,
the committed model, real Splink; their checks, metadata (no personal data), the training job and the summary."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sepakat_dagster.defs.ground_truth import TruthDirectory
from sepakat_dagster.defs.linkage.assets import (
    LINKAGE_EVALUATION_KEY,
    PERSON_CLUSTERS_KEY,
    clusters_are_sane,
    evaluation,
    person_clusters,
    person_links,
    records_conserved,
    review_queue,
)
from sepakat_dagster.defs.linkage.resources import PersonModel
from sepakat_dagster.defs.linkage.settings import CLUSTER_LIMITS
from sepakat_dagster.defs.linkage.train_job import person_model, train_person_model
from sepakat_dagster.defs.reports.summary import render_summary
from sepakat_dagster.defs.resources import Warehouse
from tests.defs.linkage.helpers import build_person_warehouse
from tests.defs.publish.helpers import file_digest, publishing, with_publish

ASSETS = with_publish([person_links, person_clusters, review_queue, evaluation, person_model])
CHECKS = [records_conserved, clusters_are_sane]


@pytest.fixture(scope="module")
def built(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """warehouse.duckdb with int_persons of the session's province; tests copy it before changing it."""
    return build_person_warehouse(demo_dir / "landing", tmp_path_factory.mktemp("linkage_defs"))


@pytest.fixture
def warehouse_copy(built: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "wh"
    folder.mkdir()
    shutil.copyfile(built, folder / "warehouse.duckdb")
    return folder / "warehouse.duckdb"


def resources(warehouse: Path, truth: Path | None, model: Path | None = None) -> dict:
    return {
        "warehouse": Warehouse(database=str(warehouse)),
        "person_model": PersonModel(path=str(model)) if model else PersonModel(),
        "truth": TruthDirectory(path=str(truth)) if truth else TruthDirectory(),
    }


def materialize(warehouse: Path, truth: Path | None, selection=None) -> dg.ExecuteInProcessResult:
    return dg.materialize([*ASSETS, *CHECKS], selection=publishing(selection), resources=resources(warehouse, truth),
                          partition_key="53",
                          raise_on_error=False)


@pytest.fixture(scope="module")
def linked(built: Path, demo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("linked")
    warehouse = folder / "warehouse.duckdb"
    shutil.copyfile(built, warehouse)
    result = materialize(warehouse, demo_dir / "truth")
    return warehouse, result


def test_the_linkage_assets_materialise_and_their_checks_pass(linked):
    warehouse, result = linked
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {"records_conserved", "clusters_are_sane"}
    assert all(e.passed for e in evaluations.values())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        staged = con.execute("select count(*) from intermediate.int_persons").fetchall()[0][0]
        clustered = con.execute("select count(*), count(distinct person_record_key) from linkage.person_clusters"
                                ).fetchall()[0]
        queue = con.execute("select count(*), count(*) filter (where match_probability >= 0.95 "
                            "or match_probability < 0.5) from linkage.review_queue").fetchall()[0]
    assert clustered == (staged, staged)
    assert queue[1] == 0


def test_evaluation_is_in_the_metadata_and_meets_the_floors(linked):
    _, result = linked
    metadata = result.asset_materializations_for_node("linkage__evaluation")[0].metadata
    assert metadata["pairwise_precision_nik_valid"].value >= 0.998
    assert metadata["pairwise_recall_nik_valid"].value >= 0.995
    assert metadata["pairwise_f1_nik_missing_or_corrupt"].value >= 0.95
    assert metadata["blocking_recall_all"].value >= 0.995
    links = result.asset_materializations_for_node("linkage__person_links")[0].metadata
    assert links["comparisons"].value > 0 and 0 < links["comparisons_per_record"].value <= 30
    assert links["model_version"].value.startswith("person-v")
    for step in ("linkage__person_links", "linkage__person_clusters", "linkage__review_queue"):
        figures = result.asset_materializations_for_node(step)[0].metadata
        assert figures["seconds"].value > 0 and figures["peak_memory_mib"].value > 0
    assert links["rows_per_second"].value > 0


def test_no_name_nik_or_address_reaches_the_metadata(linked):
    warehouse, result = linked
    text = " ".join(str(value.value) for event in result.get_asset_materialization_events()
                    for value in event.materialization.metadata.values())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [row[0] for row in con.execute(
            "select distinct full_name from intermediate.int_persons where length(full_name) > 8").fetchall()]
        niks = [row[0] for row in con.execute("select distinct nik from intermediate.int_persons "
                                              "where nik is not null").fetchall()]
        addresses = [row[0] for row in con.execute("select distinct alamat from raw.dtks_ruta").fetchall()]
    assert names and niks and addresses
    assert not [value for value in names + niks + addresses if value in text]


def test_the_summary_shows_the_linkage_by_nik_status(linked):
    warehouse, _ = linked
    summary = render_summary(warehouse)
    assert "Linkage (against the ground truth" in summary
    assert "nik_missing_or_corrupt" in summary and "pairwise" in summary and "person records ->" in summary


def plant_chains(warehouse: Path, chains: int, length: int, probability: float = 0.97) -> list[list[str]]:
    """Link `chains` chains of `length` single-record persons with links above the match threshold, as a model
    that joins people who share little would; returns the planted record keys, chain by chain."""
    with duckdb.connect(str(warehouse)) as con:
        singles = [row[0] for row in con.execute(
            "select person_record_key from linkage.person_clusters where cluster_size = 1 "
            "order by hash(person_record_key) limit ?", [chains * length]).fetchall()]
        planted = [sorted(singles[i * length:(i + 1) * length]) for i in range(chains)]
        for keys in planted:
            con.executemany(
                "insert into linkage.person_links (person_record_key_l, person_record_key_r, method, match_key, "
                "match_probability) values (?, ?, 'splink', 'planted', ?)",
                [[left, right, probability] for left, right in itertools.pairwise(keys)])
    return planted


def test_a_planted_oversized_cluster_is_split_and_queued_for_review(linked, tmp_path):
    warehouse, _ = linked
    copy = tmp_path / "wh" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(warehouse, copy)
    (planted,) = plant_chains(copy, chains=1, length=CLUSTER_LIMITS.max_size + 6)

    result = dg.materialize([*ASSETS, *CHECKS], resources=resources(copy, None), raise_on_error=False,
                            partition_key="53",
                            selection=publishing(dg.AssetSelection.assets(person_clusters, review_queue)
                                                 | dg.AssetSelection.checks(clusters_are_sane, records_conserved)))

    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert evaluations["clusters_are_sane"].passed and evaluations["records_conserved"].passed
    assert evaluations["clusters_are_sane"].metadata["records_split_from_oversized"].value == len(planted)
    metadata = result.asset_materializations_for_node("linkage__person_clusters")[0].metadata
    assert metadata["oversized_persons_split"].value == 1
    assert metadata["largest_cluster"].value <= CLUSTER_LIMITS.max_size
    with duckdb.connect(str(copy), read_only=True) as con:
        split = con.execute("select count(distinct person_id), count(distinct split_from), max(cluster_size) "
                            "from linkage.person_clusters where list_contains(?, person_record_key)",
                            [planted]).fetchall()[0]
        queued = con.execute("select count(*) from linkage.review_queue where review_reason = "
                             "'oversized_cluster_split' and list_contains(?, person_record_key_l)",
                             [planted]).fetchall()[0][0]
    # The planted links are below every repair threshold: each record is its own person again, in one split.
    assert split == (len(planted), 1, 1)
    assert queued == len(planted) - 1


def test_the_cluster_gate_trips_when_the_model_merges_many_unrelated_people(linked, tmp_path):
    warehouse, _ = linked
    copy = tmp_path / "wh" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        records = con.execute("select count(*) from linkage.person_clusters").fetchall()[0][0]
    length = CLUSTER_LIMITS.max_size + 2
    chains = int(records * CLUSTER_LIMITS.max_oversized_record_share * 2 / length) + 1  # twice the allowed share
    plant_chains(copy, chains=chains, length=length)
    published = file_digest(copy)

    result = dg.materialize([*ASSETS, *CHECKS], resources=resources(copy, None), raise_on_error=False,
                            partition_key="53",
                            selection=publishing(dg.AssetSelection.assets(person_clusters, review_queue)
                                                 | dg.AssetSelection.checks(clusters_are_sane, records_conserved)))

    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    sane = evaluations["clusters_are_sane"]
    assert not sane.passed
    assert sane.metadata["oversized_persons"].value == 0  # repaired all the same
    assert sane.metadata["split_record_share"].value > CLUSTER_LIMITS.max_oversized_record_share
    assert not result.success  # blocking: what depends on the clusters does not run
    assert not result.asset_materializations_for_node("linkage__review_queue")
    assert file_digest(copy) == published  # the run wrote its candidate only: nothing was published


def test_the_conservation_check_fails_when_a_record_is_lost_and_stops_what_follows(warehouse_copy, demo_dir):
    result = materialize(warehouse_copy, demo_dir / "truth",
                         selection=dg.AssetSelection.assets(person_links, person_clusters))
    assert result.success
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("delete from linkage.person_clusters where person_record_key = "
                    "(select min(person_record_key) from linkage.person_clusters)")
    check = dg.materialize([*ASSETS, *CHECKS], resources=resources(warehouse_copy, demo_dir / "truth"),
                           selection=dg.AssetSelection.checks(records_conserved), raise_on_error=False)
    (evaluation_result,) = check.get_asset_check_evaluations()
    assert not evaluation_result.passed
    assert evaluation_result.metadata["missing"].value == 1


def test_without_ground_truth_the_evaluation_says_so(warehouse_copy, tmp_path):
    result = materialize(warehouse_copy, tmp_path / "no_truth",
                         selection=dg.AssetSelection.assets(person_links, person_clusters, evaluation))
    assert result.success
    metadata = result.asset_materializations_for_node("linkage__evaluation")[0].metadata
    assert metadata["ground_truth"].value == "none"
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        assert not con.execute("select count(*) from information_schema.tables where table_schema = 'linkage' "
                               "and table_name = 'evaluation'").fetchall()[0][0]


def test_the_training_job_writes_a_new_model_version_and_reports_it(warehouse_copy, tmp_path):
    path = tmp_path / "models" / "person_model.json"
    result = train_person_model.execute_in_process(
        run_config={"ops": {"fit_person_model": {"config": {"trained_on": "test province", "u_max_pairs": 2e5}}}},
        resources={"warehouse": Warehouse(database=str(warehouse_copy)),
                   "person_model": PersonModel(path=str(path))},
    )
    assert result.success
    (materialization,) = [e.materialization for e in result.get_asset_materialization_events()]
    assert materialization.asset_key == dg.AssetKey(["linkage", "person_model"])
    assert materialization.metadata["model_version"].value == "person-v1"
    assert path.exists() and path.with_name("person_model.card.json").exists()


def test_the_nightly_refresh_never_trains():
    from sepakat_dagster.definitions import defs

    definitions = defs()
    refresh = definitions.resolve_job_def("refresh")
    selected = refresh.asset_layer.selected_asset_keys
    graph = definitions.get_repository_def().asset_graph
    linkage = {key for key in graph.get_all_asset_keys() if key.path[0] == "linkage"}
    assert {graph.get(key).group_name for key in linkage} == {"linkage"}
    assert dg.AssetKey(["linkage", "person_model"]) not in selected
    assert {LINKAGE_EVALUATION_KEY, PERSON_CLUSTERS_KEY} <= selected
    blocking = {key.name for key in graph.asset_check_keys if key.asset_key == PERSON_CLUSTERS_KEY}
    assert blocking == {"records_conserved", "clusters_are_sane", "expectations"}
