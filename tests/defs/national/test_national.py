"""The national pass materialised for real over three small published province warehouses (helpers.py): real
DuckDB files, the committed person model, real Splink and Dagster, publication through the candidate."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from sepakat_dagster import paths
from sepakat_dagster.defs.marts.disclosure import violations
from sepakat_dagster.defs.national import definitions
from sepakat_dagster.defs.national.assets import FLAG_DELIVERIES_KEY, PUBLISH_KEY, ROLLUPS_KEY
from sepakat_dagster.defs.national.inputs import ProvinceWarehouses, province_codes
from sepakat_dagster.defs.national.rollups import published_table
from sepakat_dagster.defs.national.settings import FLAG_LISTED_ELSEWHERE, LIST_HERE, rollups
from tests.defs.national.helpers import (
    CORRUPT_MOVER_NIK,
    MOVER_NIK,
    PLANTED_NAMES,
    PLANTED_NIKS,
    PROVINCES,
    SHARED_NIK,
    province_warehouses,
)
from tests.defs.publish.helpers import file_digest


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _key(warehouse: Path, province: str, person: str) -> str:
    return _rows(warehouse, f"select national_person_key from national.person_keys "
                            f"where province_code = '{province}' and person_id = '{person}'")[0][0]


def _published_copy(national, tmp_path: Path) -> Path:
    """The module's published national warehouse, copied: the last publication a new run starts from."""
    warehouse = tmp_path / "national" / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True)
    shutil.copyfile(national[1], warehouse)
    return warehouse


def test_the_provinces_are_the_38_of_the_decree_and_only_published_files_count(sample: Path):
    codes = province_codes()
    assert len(codes) == 38 and {"11", "31", "53", "75", "96"} <= set(codes)
    assert sorted(province_warehouses(sample).published()) == sorted(PROVINCES)


def test_a_mover_with_the_same_nik_is_linked_across_provinces(national):
    _, warehouse = national
    assert _key(warehouse, "53", "dtks:D-53-M1") == _key(warehouse, "75", "regsosek:R-75-M1")
    links = _rows(warehouse, "select method, match_weight from national.cross_province_links "
                             "where person_id_l = 'dtks:D-53-M1'")
    assert links == [("nik", None)]
    assert _rows(warehouse, f"select provinces, status from national.nik_index where nik = '{MOVER_NIK}'") == [
        (2, "linked"), (2, "linked")]


def test_a_mover_whose_stale_nik_is_corrupt_is_linked_by_name_and_birth_date(national):
    _, warehouse = national
    assert _key(warehouse, "75", "dtks:D-75-M2") == _key(warehouse, "31", "regsosek:R-31-M2")
    (method, weight, probability), = _rows(warehouse, """
        select method, match_weight, match_probability from national.cross_province_links
        where person_id_r = 'dtks:D-75-M2'
    """)
    assert method == "probabilistic" and weight > 0 and probability >= 0.95
    assert _rows(warehouse, f"select provinces from national.nik_index where nik = '{CORRUPT_MOVER_NIK}'") == [(1,)]


def test_a_mover_whose_stale_nik_has_a_serial_typo_is_found_from_the_migrants_side(national):
    _, warehouse = national
    assert _key(warehouse, "53", "dtks:D-53-M3") == _key(warehouse, "31", "regsosek:R-31-M3")
    assert _rows(warehouse, "select method from national.cross_province_links "
                            "where person_id_l = 'dtks:D-53-M3' or person_id_r = 'dtks:D-53-M3'") == [
        ("probabilistic",)]


def test_a_nik_held_by_two_different_people_is_flagged_not_linked(national):
    _, warehouse = national
    assert _key(warehouse, "53", "regsosek:R-53-S") != _key(warehouse, "31", "regsosek:R-31-S")
    assert _rows(warehouse, "select province_l, province_r, disagreeing_fields from national.nik_conflicts") == [
        ("31", "53", ["name", "birth_date"])]
    assert _rows(warehouse, "select review_reason from national.review_queue") == [("nik_conflict",)]
    assert {status for (status,) in _rows(warehouse, f"select status from national.nik_index "
                                                     f"where nik = '{SHARED_NIK}'")} == {"conflict"}


def test_namesakes_with_their_own_niks_stay_two_people(national):
    _, warehouse = national
    assert _key(warehouse, "53", "regsosek:R-53-N") != _key(warehouse, "31", "regsosek:R-31-N")
    assert _rows(warehouse, "select namesake_pairs, falsely_linked from evaluation.national_namesakes") == [(1, 0)]


def test_a_cross_province_duplicate_is_listed_where_it_lives_and_flagged_elsewhere(national):
    _, warehouse = national
    roles = dict(((p, person), role) for p, person, role in _rows(
        warehouse, "select province_code, person_id, targeting_role from national.targeting_flags"))
    assert roles == {
        ("75", "regsosek:R-75-M1"): LIST_HERE, ("53", "dtks:D-53-M1"): FLAG_LISTED_ELSEWHERE,
        ("31", "regsosek:R-31-M2"): LIST_HERE, ("75", "dtks:D-75-M2"): FLAG_LISTED_ELSEWHERE,
        ("31", "regsosek:R-31-M3"): LIST_HERE, ("53", "dtks:D-53-M3"): FLAG_LISTED_ELSEWHERE,
    }
    assert _rows(warehouse, "select * from national.targeting_flag_counts") == [("31", 2, 0, 0), ("53", 0, 2, 2),
                                                                                   ("75", 1, 1, 1)]
    assert _rows(warehouse, "select programs_listed from national.targeting_flags where person_id = 'dtks:D-53-M1'"
                 ) == [(["PBI-JK", "PKH"],)]


def test_national_totals_equal_the_sum_of_the_provinces(national, sample: Path):
    _, warehouse = national
    sources = {p: duckdb.connect(str(sample / p / "warehouse.duckdb"), read_only=True) for p in PROVINCES}
    for rollup in rollups():
        for measure in rollup.measures:
            (nation, provinces), = _rows(warehouse, f"""
                select sum({measure}) filter (where region_level = 'nation'),
                    sum({measure}) filter (where region_level = 'province')
                from {rollup.table}
            """)
            regencies = sum(con.execute(f"select sum({measure}) from {rollup.source} where region_level = 'regency'")
                            .fetchone()[0] for con in sources.values())
            assert nation == provinces == regencies, (rollup.mart, measure)
    for con in sources.values():
        con.close()


def test_the_published_rollups_withhold_small_and_recoverable_cells(national):
    _, warehouse = national
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for rollup in rollups():
            assert violations(con, published_table(rollup)) == []
        withheld, small_shown = con.execute("""
            select count(*) filter (where eligible is null),
                count(*) filter (where eligible between 1 and 9)
            from national.targeting_errors_published
        """).fetchone()
        rate_without_count = con.execute("""
            select count(*) from national.targeting_errors_published
            where exclusion_error_rate is not null and (eligible is null or exclusion_errors is null)
        """).fetchone()[0]
    assert withheld > 0 and small_shown == 0 and rate_without_count == 0


def test_the_evaluation_measures_links_movers_and_namesakes(national):
    _, warehouse = national
    linkage = {segment: (precision, recall) for segment, precision, recall in _rows(
        warehouse, "select segment, precision, recall from evaluation.national_linkage")}
    assert linkage == {"all": (1.0, 1.0), "nik_valid": (1.0, 1.0), "nik_missing_or_corrupt": (1.0, 1.0)}
    assert _rows(warehouse, "select segment, movers, movers_linked from evaluation.national_movers") == [
        ("all", 3, 3), ("nik_missing_or_corrupt", 2, 2)]


def test_metadata_and_logs_carry_no_nik_or_name(national):
    result, _ = national
    shown = []
    for event in result.all_events:
        shown.append(event.message or "")
        if event.event_type_value == "ASSET_MATERIALIZATION":
            metadata = event.event_specific_data.materialization.metadata
            shown += [str(value.value) for value in metadata.values()]
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            shown += [evaluation.description or "", *(str(v.value) for v in evaluation.metadata.values())]
    text = "\n".join(shown)
    assert not [value for value in [*PLANTED_NIKS, *PLANTED_NAMES] if value in text]


def test_a_tampered_province_total_blocks_publication(national, sample: Path, tmp_path: Path):
    root = tmp_path / "sample"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("national"))
    warehouse = _published_copy(national, tmp_path)
    published = file_digest(warehouse)
    with duckdb.connect(str(root / "53" / "warehouse.duckdb")) as con:
        con.execute("update marts.targeting_errors set eligible = eligible + 5 "
                    "where region_level = 'province' and province_code = '53'")

    result = definitions.run(province_warehouses(root), warehouse, dg.DagsterInstance.ephemeral())

    assert not result.success
    checks = {e.event_specific_data.asset_check_key.name: e.event_specific_data
              for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert not checks["totals_reconcile"].passed
    assert "targeting_errors.eligible" in checks["totals_reconcile"].description
    materialised = {e.asset_key for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert ROLLUPS_KEY in materialised and PUBLISH_KEY not in materialised
    assert file_digest(warehouse) == published
    assert not list(root.glob("*/landing/national"))  # no flags go back from a pass that did not publish
    assert not (warehouse.parent / "candidate").exists()


def test_the_definitions_hold_the_pass_its_blocking_checks_and_its_job():
    defs = definitions.national_definitions()
    graph = defs.resolve_asset_graph()
    keys = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    assert PUBLISH_KEY in keys and ROLLUPS_KEY in keys
    assert graph.get(PUBLISH_KEY).parent_keys >= {ROLLUPS_KEY}
    upstream = dg.AssetSelection.assets(PUBLISH_KEY).upstream().resolve(graph)
    assert keys - upstream == {FLAG_DELIVERIES_KEY}  # only what was published goes back to the provinces
    assert graph.get(FLAG_DELIVERIES_KEY).parent_keys == {PUBLISH_KEY}
    checks = {check.name for check in graph.asset_check_keys}
    assert checks == {"persons_conserved", "totals_reconcile", "small_cells_suppressed"}
    assert all(spec.blocking for definition in defs.asset_checks for spec in definition.check_specs)
    assert defs.resolve_job_def(definitions.JOB).name == "national"


def test_without_a_ground_truth_the_pass_publishes_and_keeps_no_stale_evaluation(national, sample: Path,
                                                                                 tmp_path: Path):
    warehouse = _published_copy(national, tmp_path)
    assert _rows(warehouse, "select count(*) from evaluation.national_linkage") == [(3,)]
    provinces = ProvinceWarehouses(template=str(sample / "{province}" / "warehouse.duckdb"))

    assert definitions.run(provinces, warehouse, dg.DagsterInstance.ephemeral()).success

    assert _rows(warehouse, "select count(*) from information_schema.tables where table_schema = 'evaluation'") == [
        (0,)]


def test_a_province_warehouse_without_a_column_the_pass_reads_is_refused_by_name(sample: Path, tmp_path: Path):
    root = tmp_path / "sample"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("national"))
    with duckdb.connect(str(root / "75" / "warehouse.duckdb")) as con:
        con.execute("alter table intermediate.int_persons drop column district_code")
    warehouse = tmp_path / "national" / "warehouse.duckdb"

    result = definitions.run(province_warehouses(root), warehouse, dg.DagsterInstance.ephemeral())

    assert not result.success and not warehouse.exists()
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "75: int_persons.district_code" in failure.event_specific_data.error.to_string()


def test_a_province_an_older_release_published_is_left_out_and_named_until_it_refreshes(sample: Path,
                                                                                        tmp_path: Path):
    # A release that adds a measure to a rolled-up mart rolls through the provinces one refresh at a time: until a
    # province refreshes, its warehouse lacks the column, and the nation goes on without it rather than stopping.
    root = tmp_path / "sample"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("national"))
    rollup = rollups()[0]
    with duckdb.connect(str(root / "75" / "warehouse.duckdb")) as con:
        con.execute(f"alter table {rollup.source} drop column {rollup.measures[-1]}")
    warehouse = tmp_path / "national" / "warehouse.duckdb"

    result = definitions.run(province_warehouses(root), warehouse, dg.DagsterInstance.ephemeral())

    assert result.success
    assert province_warehouses(root).outdated() == {"75": [f"{rollup.source}.{rollup.measures[-1]}"]}
    metadata = next(m for m in result.get_asset_materialization_events()
                    if m.asset_key.path[-1] == "person_records").materialization.metadata
    assert metadata["provinces_left_out_until_refreshed"].value == "75"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert {row[0] for row in con.execute(f"select distinct province_code from {rollup.table} "
                                              "where province_code is not null").fetchall()} == {"31", "53"}


def test_the_national_warehouse_is_a_location_of_its_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv(paths.NATIONAL_WAREHOUSE.variable, raising=False)
    assert paths.NATIONAL_WAREHOUSE.path() == paths.DEFAULT_DATA_DIR / "national" / "warehouse.duckdb"
    monkeypatch.setenv(paths.NATIONAL_WAREHOUSE.variable, str(tmp_path / "n.duckdb"))
    resource = definitions.national_resources()["national_warehouse"]
    assert resource.database == dg.EnvVar(paths.NATIONAL_WAREHOUSE.variable)


def test_the_provinces_follow_a_warehouse_location_with_a_province_placeholder(monkeypatch: pytest.MonkeyPatch,
                                                                              tmp_path: Path):
    monkeypatch.setenv(paths.WAREHOUSE.variable, str(tmp_path / "{province}" / "warehouse.duckdb"))
    (tmp_path / "75").mkdir()
    (tmp_path / "75" / "warehouse.duckdb").touch()
    provinces = definitions.national_resources()["provinces"].process_config_and_initialize()
    assert provinces.existing() == {"75": tmp_path / "75" / "warehouse.duckdb"}

    monkeypatch.setenv(paths.WAREHOUSE.variable, str(tmp_path / "warehouse.duckdb"))  # one file: whose province?
    with pytest.raises(ValueError, match="placeholder"):
        definitions.national_resources()["provinces"].process_config_and_initialize().existing()


def test_the_same_provinces_give_the_same_national_tables(national, sample: Path, tmp_path: Path):
    _, first = national
    second = tmp_path / "national" / "warehouse.duckdb"
    assert definitions.run(province_warehouses(sample), second, dg.DagsterInstance.ephemeral()).success
    tables = ["national.person_keys", "national.cross_province_links", "national.nik_index", "national.review_queue",
              "national.targeting_flags", *(rollup.published for rollup in rollups())]
    for table in tables:
        query = f"select * from {table} order by all"
        assert _rows(first, query) == _rows(second, query), table
