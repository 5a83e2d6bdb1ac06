"""The national pass's Dagster definitions and the one way to run it (tests, the benchmark, a command).

Its resources: `national_warehouse` (the national DuckDB file, SEPAKAT_NATIONAL_WAREHOUSE, written through a
candidate like a province's), `provinces` (where the published province warehouses and their ground truth are)
and `person_model` (the committed person model). Steps run in one process, one after another: one DuckDB writer
per file.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from sepakat_dagster import paths
from sepakat_dagster.defs.linkage.resources import PersonModel
from sepakat_dagster.defs.national.assets import GROUP, national_assets
from sepakat_dagster.defs.national.inputs import ProvinceWarehouses
from sepakat_dagster.defs.resources import Warehouse, located

JOB = "national"
national_job = dg.define_asset_job(JOB, selection=dg.AssetSelection.groups(GROUP),
                                   description="The national pass over every published province warehouse.")


def province_warehouses() -> ProvinceWarehouses:
    """The province warehouses, their landing folders, their truth and the national truth where the code location's
    locations put them (SEPAKAT_WAREHOUSE, SEPAKAT_LANDING, SEPAKAT_TRUTH, SEPAKAT_NATIONAL_TRUTH): a partitioned
    deployment names them with `{province}`."""
    return ProvinceWarehouses(template=located(paths.WAREHOUSE), landing_template=located(paths.LANDING),
                              truth_template=located(paths.TRUTH), national_truth=located(paths.NATIONAL_TRUTH))


def national_resources(provinces: ProvinceWarehouses | None = None, warehouse: Path | None = None) -> dict:
    return {
        "national_warehouse": Warehouse(database=str(warehouse) if warehouse else located(paths.NATIONAL_WAREHOUSE)),
        "provinces": provinces or province_warehouses(),
        "person_model": PersonModel(path=located(paths.PERSON_MODEL)),
    }


@dg.definitions
def national() -> dg.Definitions:
    """The pass in the code location, after the provinces: its own job (`national`), never part of a province's
    refresh, and its nightly schedule. The person model resource is the linkage stage's."""
    assets, checks = national_assets()
    resources = {key: value for key, value in national_resources().items() if key != "person_model"}
    nightly = dg.ScheduleDefinition(
        name="nightly_national", job=national_job, cron_schedule="0 5 * * *", execution_timezone="Asia/Jakarta",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="The national pass at 05:00 in Jakarta, three hours after the provinces' refreshes: it reads "
        "whatever each province has published by then (a province still running or failed counts with its last "
        "published run).")
    return dg.Definitions(assets=assets, asset_checks=checks, resources=resources, jobs=[national_job],
                          schedules=[nightly])


def national_definitions(provinces: ProvinceWarehouses | None = None, warehouse: Path | None = None) -> dg.Definitions:
    """The pass's assets, blocking checks, resources and its job (`national`)."""
    assets, checks = national_assets()
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        resources=national_resources(provinces, warehouse),
        jobs=[national_job],
        executor=dg.in_process_executor,
    )


def run(provinces: ProvinceWarehouses, warehouse: Path,
        instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Run the whole pass over `provinces` into the national warehouse `warehouse`; a failed step or blocking check
    leaves the published national warehouse as it was. Does not raise on a failure: read the result."""
    assets, checks = national_assets()
    return dg.materialize([*assets, *checks], resources=national_resources(provinces, warehouse),
                          instance=instance, raise_on_error=False)
