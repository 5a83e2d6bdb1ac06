"""The national targeting flags read back by a province, end to end on the session's province (helpers.py): the
national pass's delivery writer puts two listed persons' records in the landing folder as found in province 75,
the province loads the delivery through its source asset and rebuilds the targeting marts, and the two leave its
targeting list and are counted as listed elsewhere, not as exclusion errors.

The national warehouse here holds only the three tables the writer reads, made from this province's own records:
a real national pass needs a second province of real registries (tests/defs/national runs the pass itself)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from sepakat_dagster.defs.national import deliveries
from sepakat_dagster.defs.national.cluster import PERSON_KEYS
from sepakat_dagster.defs.national.nik_index import PERSON_RECORDS
from sepakat_dagster.defs.national.settings import FLAG_LISTED_ELSEWHERE, FLAGS_SOURCE
from sepakat_dagster.defs.national.targeting import TARGETING_FLAGS
from sepakat_dagster.defs.publish.assets import PUBLISH_KEY, build_publish_asset
from tests.defs.marts.helpers import PSEUDONYM_KEY, Pipeline, environment, graph_definitions, graph_resources

FLAGS_KEY = dg.AssetKey(["raw", FLAGS_SOURCE])
# The models between the delivery and the targeting marts (the rest of the graph is rebuilt by a refresh too).
REBUILT = ("stg_national__targeting_flags", "int_marts_persons_listed_elsewhere", "int_marts_program_units",
           "targeting_list", "targeting_errors")
PROGRAMME = "pbi_jk"


def _landing(pipeline: Pipeline, folder: Path) -> Path:
    """The session's deliveries, linked folder by folder into a landing folder of the test's own."""
    folder.mkdir()
    for registry in (pipeline.truth.parent / "landing").iterdir():
        (folder / registry.name).symlink_to(registry, target_is_directory=True)
    return folder


def _deliver(pipeline: Pipeline, persons: list[str], folder: Path, landing: Path) -> deliveries.Delivery:
    national = folder / "warehouse.duckdb"
    folder.mkdir()
    with duckdb.connect(str(national)) as con:
        con.execute(f"attach '{pipeline.warehouse}' as province (read_only)")
        con.execute("create schema national")
        con.execute(f"create table {PERSON_RECORDS} as select '53' as province_code, person_id, source_table, "
                    "record_id from province.linkage.person_clusters")
        con.execute(f"create table {PERSON_KEYS} as select distinct province_code, person_id from {PERSON_RECORDS}")
        con.execute(f"create table {TARGETING_FLAGS} as select '53' as province_code, unnest(?) as person_id, "
                    f"'75' as residence_province, '{FLAG_LISTED_ELSEWHERE}' as targeting_role", [persons])
        con.execute("detach province")
        return deliveries.deliver(con, "53", landing, date(2026, 12, 1))


def _refresh(warehouse: Path, landing: Path, pipeline: Pipeline, exports: Path) -> dg.ExecuteInProcessResult:
    """The flags source and the models between it and the targeting marts, with their checks, then `publish`
    downstream of them (the graph's own `publish` waits for sinks this run does not build)."""
    assets, checks = graph_definitions()
    models = sorted({key for asset in assets for key in asset.keys if key.path[-1] in REBUILT})
    assert len(models) == len(REBUILT)
    assets = [asset for asset in assets if PUBLISH_KEY not in asset.keys]
    with environment(SEPAKAT_WAREHOUSE=str(warehouse), SEPAKAT_PSEUDONYM_KEY=PSEUDONYM_KEY):
        return dg.materialize([*assets, build_publish_asset([FLAGS_KEY, *models]), *checks],
                              selection=[FLAGS_KEY, *models, PUBLISH_KEY], partition_key="53",
                              resources=graph_resources(warehouse, landing, pipeline.truth, exports),
                              raise_on_error=False)


def _province_row(con: duckdb.DuckDBPyConnection) -> tuple:
    return con.execute("select eligible, listed_elsewhere, exclusion_errors, recipients from marts.targeting_errors "
                       "where program = ? and component = 'all' and region_level = 'province'",
                       [PROGRAMME]).fetchone()


def test_a_person_another_province_lists_leaves_this_provinces_list(pipeline: Pipeline, tmp_path: Path):
    movers = pipeline.query("""
        select persons.person_id, listed.person_key, listed.currently_receiving
        from marts.targeting_list as listed
        join intermediate.int_marts_persons as persons using (person_key)
        where listed.program = ? order by listed.person_key limit 2
    """, [PROGRAMME])
    keys = [key for _, key, _ in movers]
    landing = _landing(pipeline, tmp_path / "landing")
    delivery = _deliver(pipeline, [person for person, _, _ in movers], tmp_path / "national", landing)
    records = pipeline.scalar("select count(*) from linkage.person_clusters where person_id in (?, ?)",
                              [movers[0][0], movers[1][0]])
    assert (delivery.outcome, delivery.rows) == (deliveries.WRITTEN, records)
    with (landing / delivery.file_name).open(encoding="utf-8", newline="") as handle:
        assert {row["residence_province"] for row in csv.DictReader(handle)} == {"75"}

    copy = pipeline.copy_warehouse(tmp_path / "wh")
    with duckdb.connect(str(copy), read_only=True) as con:
        listed_before = con.execute("select count(*) from marts.targeting_list").fetchone()[0]
        mover_rows = con.execute("select count(*) from marts.targeting_list where list_contains(?, person_key)",
                                 [keys]).fetchone()[0]
        eligible, listed_elsewhere, exclusion_errors, recipients = _province_row(con)
    assert listed_elsewhere == 0  # no delivery in the session's province: nobody is listed elsewhere
    result = _refresh(copy, landing, pipeline, tmp_path / "exports")

    assert result.success  # every blocking check of these models passed: the marts' identities hold
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select count(*) from raw.national_targeting_flags").fetchone()[0] == records
        assert con.execute("select count(*) from marts.targeting_list where list_contains(?, person_key)",
                           [keys]).fetchone()[0] == 0
        assert con.execute("select count(*) from marts.targeting_list").fetchone()[0] == listed_before - mover_rows
        uninsured = sum(1 for _, _, receiving in movers if receiving is False)
        assert _province_row(con) == (eligible - 2, 2, exclusion_errors - uninsured, recipients)
        assert con.execute("select file_name from audit.source_loads where source = ?",
                           [FLAGS_SOURCE]).fetchall() == [(delivery.file_name,)]
