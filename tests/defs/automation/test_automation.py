"""Automation: the nightly schedule, the new-delivery sensor on real materialisations, the failure alert."""

import json
import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from sepakat_dagster.definitions import defs
from sepakat_dagster.defs.automation.resources import AlertsFile
from sepakat_dagster.defs.automation.sensors import alert_on_failed_refresh, new_deliveries
from sepakat_dagster.defs.quality.checks import build_gate_check
from sepakat_dagster.defs.quality.gates import load_gates
from sepakat_dagster.defs.resources import LandingDirectory, Warehouse
from sepakat_dagster.defs.sources.assets import build_conservation_check, build_source_asset
from sepakat_dagster.defs.sources.catalog import load_catalog
from tests.conftest import pipeline_resources
from tests.defs.publish.helpers import publishing, with_publish

SOURCE_ASSETS = [build_source_asset(s) for s in load_catalog().values()]
SOURCE_CHECKS = [build_conservation_check(s) for s in load_catalog().values()]
RAW_KEYS = {dg.AssetKey(["raw", name]) for name in load_catalog()}
# What a generated province delivers: every source but the optional ones (the national pass's targeting flags).
GENERATED_KEYS = {dg.AssetKey(["raw", s.name]) for s in load_catalog().values() if not s.optional}


def test_nightly_schedule_refreshes_each_province_with_deliveries_at_two_in_jakarta(tmp_path, monkeypatch):
    monkeypatch.delenv("SEPAKAT_PROVINCES", raising=False)
    schedule = defs().get_repository_def().get_schedule_def("nightly_refresh")
    assert (schedule.cron_schedule, schedule.execution_timezone, schedule.job_name) == (
        "0 2 * * *", "Asia/Jakarta", "refresh"
    )
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    for province in ("31", "75"):
        (tmp_path / province / "landing").mkdir(parents=True)
    landing = LandingDirectory(path=str(tmp_path / "{province}" / "landing"))
    night = datetime(2026, 12, 1, 2, tzinfo=ZoneInfo("Asia/Jakarta"))
    with dg.build_schedule_context(resources={"landing": landing}, scheduled_execution_time=night,
                                   repository_def=defs().get_repository_def()) as context:
        requests = list(schedule.evaluate_tick(context).run_requests)
    assert [(request.partition_key, request.run_key) for request in requests] == [
        ("31", "31-2026-12-01"), ("75", "75-2026-12-01")]


def evaluate_sensor(instance, landing, warehouse, cursor=None):
    """The sensor's answer (a SkipReason, the one run request of a one-province deployment, or the requests of
    several provinces) and its cursor."""
    repository = defs().get_repository_def()
    with dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        repository_def=repository,
        resources={"landing": LandingDirectory(path=str(landing)), "warehouse": Warehouse(database=str(warehouse))},
    ) as context:
        answer = new_deliveries(context)
    if isinstance(answer, dg.SkipReason):
        return answer, context.cursor
    graph = repository.asset_graph
    for request in answer:
        # The daemon refuses a request naming an asset it cannot materialise (such as the trained model's spec).
        assert not [key for key in request.asset_selection if not graph.get(key).is_executable]
    if "{province}" in str(landing):
        return answer, context.cursor
    (request,) = answer
    assert request.partition_key == "53"  # a deployment whose locations name no province serves the demo's
    return request, context.cursor


def test_a_new_delivery_refreshes_its_source_and_downstream_only(demo_dir, warehouse, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(demo_dir / "landing", landing)
    with dg.DagsterInstance.ephemeral() as instance:
        request, cursor = evaluate_sensor(instance, landing, warehouse)
        assert set(request.asset_selection) >= GENERATED_KEYS  # nothing loaded yet: every delivery is new

        assert dg.materialize(with_publish(SOURCE_ASSETS), instance=instance, partition_key="53",
                              resources=pipeline_resources(warehouse, landing))
        skip, cursor = evaluate_sensor(instance, landing, warehouse, cursor)
        assert isinstance(skip, dg.SkipReason)

        old = next(landing.glob("dtks/DTKS_ART_*.csv"))
        shutil.copy(old, old.with_name("DTKS_ART_202512.csv"))
        request, _ = evaluate_sensor(instance, landing, warehouse, cursor)
        selected = set(request.asset_selection)
        assert dg.AssetKey(["raw", "dtks_art"]) in selected
        assert not (RAW_KEYS - {dg.AssetKey(["raw", "dtks_art"])}) & selected
        assert request.tags["sepakat/sources"] == "dtks_art"


def test_a_delivery_for_one_province_refreshes_only_its_partition(demo_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("SEPAKAT_PROVINCES", raising=False)
    for province in ("53", "75"):
        shutil.copytree(demo_dir / "landing", tmp_path / province / "landing")
    landing, warehouse = tmp_path / "{province}" / "landing", tmp_path / "{province}" / "warehouse.duckdb"
    with dg.DagsterInstance.ephemeral() as instance:
        requests, cursor = evaluate_sensor(instance, landing, warehouse)
        assert [(r.partition_key, r.run_key[:3]) for r in requests] == [("53", "53-"), ("75", "75-")]
        for province in ("53", "75"):
            assert dg.materialize(with_publish(SOURCE_ASSETS), instance=instance, partition_key=province,
                                  resources=pipeline_resources(warehouse, landing)).success
        assert (tmp_path / "75" / "warehouse.duckdb").exists()
        skip, cursor = evaluate_sensor(instance, landing, warehouse, cursor)
        assert isinstance(skip, dg.SkipReason)

        old = next((tmp_path / "75" / "landing").glob("dtks/DTKS_ART_*.csv"))
        shutil.copy(old, old.with_name("DTKS_ART_202512.csv"))
        (request,), _ = evaluate_sensor(instance, landing, warehouse, cursor)
    assert request.partition_key == "75"
    assert set(request.asset_selection) & RAW_KEYS == {dg.AssetKey(["raw", "dtks_art"])}


def test_a_delivery_whose_run_failed_is_offered_again_and_nothing_else_is(demo_dir, warehouse, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(demo_dir / "landing", landing)
    raw_gates = [build_gate_check(g) for g in load_gates() if g.stage == "raw"]
    with dg.DagsterInstance.ephemeral() as instance:
        assert dg.materialize(with_publish(SOURCE_ASSETS), instance=instance, partition_key="53",
                              resources=pipeline_resources(warehouse, landing))
        _, cursor = evaluate_sensor(instance, landing, warehouse)
        # A new P3KE delivery that lists decile 7 (P3KE has deciles 1-4): its gate fails, so the run publishes
        # nothing and the published warehouse keeps the earlier delivery.
        families = next(landing.glob("p3ke/P3KE_KELUARGA_*.txt"))
        families.with_name("P3KE_KELUARGA_20251231.txt").write_text(
            families.read_text().replace("Desil 4", "Desil 7"))
        result = dg.materialize([*with_publish(SOURCE_ASSETS), *raw_gates], instance=instance, raise_on_error=False,
                                partition_key="53",
                                resources=pipeline_resources(warehouse, landing))
        failed = {e.asset_key for e in result.get_asset_check_evaluations() if not e.passed}
        assert failed == {dg.AssetKey(["raw", "p3ke_keluarga"])}
        assert (warehouse.parent / "reports" / "data_docs" / "index.html").exists()  # the `reports` resource
        request, _ = evaluate_sensor(instance, landing, warehouse, cursor)
    assert set(request.asset_selection) & RAW_KEYS == {dg.AssetKey(["raw", "p3ke_keluarga"])}
    assert request.tags["sepakat/sources"] == "p3ke_keluarga"


def test_a_failed_refresh_leaves_an_alert_record_without_personal_data(demo_dir, warehouse, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(demo_dir / "landing", landing)
    broken = next(landing.glob("p3ke/P3KE_INDIVIDU_*.txt"))
    broken.write_text(broken.read_text().replace("|", ";"))
    alerts = tmp_path / "alerts" / "alerts.jsonl"

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            with_publish(SOURCE_ASSETS), instance=instance, resources=pipeline_resources(warehouse, landing),
            selection=publishing([dg.AssetKey(["raw", "p3ke_individu"])]), raise_on_error=False, partition_key="53",
        )
        assert not result.success
        run = instance.get_run_by_id(result.run_id)
        failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
        context = dg.build_run_status_sensor_context(
            sensor_name="alert_on_failed_refresh", dagster_event=failure, dagster_instance=instance, dagster_run=run,
            resources={"alerts": AlertsFile(path=str(alerts))},
        ).for_run_failure()
        alert_on_failed_refresh(context)

    (record,) = [json.loads(line) for line in alerts.read_text().splitlines()]
    assert record["run_id"] == result.run_id
    assert record["failed_steps"] == ["raw__p3ke_individu"]
    names = [line.split(";")[3] for line in broken.read_text().splitlines()[1:4]]
    assert not any(name in json.dumps(record) for name in names)
