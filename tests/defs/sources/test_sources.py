"""Source assets materialised for real: a generated province into a temporary warehouse, and broken deliveries."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from sepakat_dagster.defs.personal import is_personal_column
from sepakat_dagster.defs.sources.assets import build_conservation_check, build_source_asset
from sepakat_dagster.defs.sources.catalog import load_catalog
from tests.conftest import pipeline_resources
from tests.defs.publish.helpers import publishing, with_publish

CATALOG = load_catalog()
ASSETS = [build_source_asset(source) for source in CATALOG.values()]
CHECKS = [build_conservation_check(source) for source in CATALOG.values()]


def materialize(warehouse: Path, landing: Path, selection=None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*with_publish(ASSETS), *CHECKS],
        selection=publishing(selection),
        resources=pipeline_resources(warehouse, landing),
        raise_on_error=False,
        partition_key="53",
    )


def test_every_source_of_a_generated_province_loads_and_conserves_rows(demo_dir, warehouse):
    result = materialize(warehouse, demo_dir / "landing")
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(CATALOG)
    assert all(evaluation.passed for evaluation in evaluations)

    # Exactly the records the generator broke on purpose are quarantined; every other record is loaded.
    record_map = demo_dir / "truth" / "record_map.parquet"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        mapped_sources = [row[0] for row in con.execute(f"select distinct source from '{record_map}'").fetchall()]
        for name in mapped_sources:
            key = CATALOG[name].key[0]
            expected = con.execute(f"""
                select record_id from '{record_map}' where source = ?
                and not (broken_excel_number or broken_date or broken_region)
            """, [name]).fetchall()
            loaded = con.execute(f"select {key} from raw.{name}").fetchall()
            assert sorted(loaded) == sorted(expected), name
        quarantined = con.execute("select count(distinct (source, line_no)) from audit.quarantine").fetchone()[0]
        broken = con.execute(f"""
            select count(*) from '{record_map}' where broken_excel_number or broken_date or broken_region
        """).fetchone()[0]
    assert quarantined == broken > 0

    materialization = result.asset_materializations_for_node("raw__dtks_art")[0]
    metadata = materialization.metadata
    assert metadata["dagster/row_count"].value + metadata["rows_quarantined"].value == metadata["rows_read"].value
    # Every source's preview leaves out every column the one definition calls personal (ids and keys included).
    shown = {}
    for name in CATALOG:
        header = result.asset_materializations_for_node(f"raw__{name}")[0].metadata["preview"].value.split("\n")[0]
        shown[name] = [column.strip() for column in header.strip("|").split("|")]
        assert shown[name] and not [column for column in shown[name] if is_personal_column(column)], name
    assert not {"nik", "nama", "id_art"} & set(shown["dtks_art"])


def test_a_file_in_the_wrong_format_fails_its_asset_and_nothing_downstream_runs(demo_dir, warehouse, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(demo_dir / "landing", landing)
    dtks = next(landing.glob("dtks/DTKS_ART_*.csv"))
    dtks.write_text(dtks.read_text().replace(";", ","))

    result = materialize(warehouse, landing, selection=[dg.AssetKey(["raw", "dtks_art"])])
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    message = failure.step_failure_data.error.message
    assert f"dtks/{dtks.name}: missing required columns" in message
    assert result.get_asset_check_evaluations() == []


def test_the_conservation_check_fails_when_the_file_and_the_table_disagree(demo_dir, warehouse, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(demo_dir / "landing", landing)
    key = dg.AssetKey(["raw", "inarisk_bahaya"])
    assert materialize(warehouse, landing, selection=[key]).success

    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.inarisk_bahaya where _source_line = 2")
    check = build_conservation_check(CATALOG["inarisk_bahaya"])
    result = dg.materialize([*ASSETS, check], selection=dg.AssetSelection.checks(check),
                            resources=pipeline_resources(warehouse, landing), raise_on_error=False)
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.metadata["difference"].value == 1


def test_a_fresh_checkout_loads_into_a_warehouse_folder_that_does_not_exist_yet(demo_dir, tmp_path):
    warehouse = tmp_path / "not" / "yet" / "warehouse.duckdb"
    (sipd,) = [build_source_asset(s) for s in load_catalog().values() if s.name == "sipd_anggaran"]
    assert dg.materialize(with_publish([sipd]), resources=pipeline_resources(warehouse, demo_dir / "landing"),
                          partition_key="53").success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.sipd_anggaran").fetchone()[0] > 0
