"""The history of published marts: a run's cells by the mart's declared grain, kept per published run within the
retention, compared by `sepakat diff` and in the report; and `publish` downstream of every other asset."""

from pathlib import Path

import dagster as dg
import duckdb

from sepakat_dagster.cli import main
from sepakat_dagster.definitions import defs
from sepakat_dagster.defs.publish import history
from sepakat_dagster.defs.publish.assets import PUBLISH_KEY
from sepakat_dagster.defs.reports.report import render_report

MARTS = [history.Mart("indicators", "marts.indicators", ("region_code", "indicator_code"))]


def publish_run(warehouse: Path, run_id: str, achieved: dict[str, float | None], keep: int = 31) -> None:
    """The marts of one run, snapshotted and stamped as `publish` does."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create or replace table marts.indicators (region_code varchar, indicator_code varchar, "
                    "served integer, achieved double, label varchar)")
        for region, value in achieved.items():
            con.execute("insert into marts.indicators values (?, 'kes_01', 40, ?, 'antenatal care')", [region, value])
        history.snapshot(con, run_id, MARTS)
        history.record_publication(con, run_id, keep)


def test_the_numeric_columns_of_each_cell_are_kept_and_a_planted_change_is_listed(tmp_path: Path, capsys):
    warehouse = tmp_path / "warehouse.duckdb"
    publish_run(warehouse, "run-aaaa-1", {"5301": 0.80, "5302": 0.50, "5303": None})
    publish_run(warehouse, "run-bbbb-2", {"5301": 0.80, "5302": 0.60, "5303": 0.10})

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert history.previous_published(con, "run-bbbb-2") == "run-aaaa-1"
        cells = con.execute("select count(*) from history.mart_cells where run_id = 'run-aaaa-1'").fetchone()[0]
        moved = history.changes(con, "run-aaaa-1", "run-bbbb-2")
        assert history.changes(con, "run-aaaa-1", "run-bbbb-2", tolerance=0.5) == moved[-1:]  # 0.5 -> 0.6 is 17 %
    assert cells == 3 * 2  # three cells, two measures (served, achieved); the label is not a measure
    assert [(c.cell, c.measure, c.before, c.after) for c in moved] == [
        ("region_code=5302 | indicator_code=kes_01", "achieved", 0.5, 0.6),
        ("region_code=5303 | indicator_code=kes_01", "achieved", None, 0.1),  # no longer suppressed: always listed
    ]

    assert main(["diff", "run-aaaa", "run-bbbb", "--warehouse", str(warehouse), "--tolerance", "0.1"]) == 0
    output = capsys.readouterr().out
    assert output.startswith("2 published values moved by more than 10.0% from run run-aaaa to run-bbbb")
    assert "region_code=5302 | indicator_code=kes_01" in output and "0.6000" in output
    assert main(["diff", "run", "run-bbbb", "--warehouse", str(warehouse)]) == 2  # ambiguous prefix

    document = render_report(warehouse, run_id="run-bbbb-2")
    assert "Change since the previous run" in document and "2 published values moved" in document


def test_the_history_keeps_the_newest_runs_and_nothing_unpublished(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    for run in range(4):
        publish_run(warehouse, f"run-{run}", {"5301": run / 10}, keep=2)
    with duckdb.connect(str(warehouse)) as con:
        history.snapshot(con, "run-unpublished", MARTS)  # a run that failed after its snapshot: never stamped
        assert [run["run_id"] for run in history.runs(con)] == ["run-3", "run-2"]
        kept = {row[0] for row in con.execute("select distinct run_id from history.mart_cells").fetchall()}
        assert kept == {"run-3", "run-2", "run-unpublished"}
        history.record_publication(con, "run-4", keep=2)  # the next publication clears what never published
        kept = {row[0] for row in con.execute("select distinct run_id from history.mart_cells").fetchall()}
        assert "run-unpublished" not in kept


def test_publish_is_downstream_of_every_other_province_asset_and_the_national_pass_of_publish():
    graph = defs().resolve_asset_graph()
    upstream = dg.AssetSelection.assets(PUBLISH_KEY).upstream().resolve(graph)
    national = dg.AssetSelection.groups("national").resolve(graph)
    built = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    assert built - national - upstream == set()
    assert national <= dg.AssetSelection.assets(PUBLISH_KEY).downstream().resolve(graph)


def test_the_history_keeps_exactly_the_publishable_marts():
    from sepakat_dagster.defs.dbt.project import sepakat_dbt_project
    from sepakat_dagster.defs.marts.disclosure import publishable_tables

    manifest = history.load_manifest(sepakat_dbt_project().manifest_path)
    marts = history.published_marts(manifest)
    assert {mart.name for mart in marts} == {table.name for table in publishable_tables(manifest)}
    assert "targeting_list" not in {mart.name for mart in marts}
    assert all(mart.grain for mart in marts)
