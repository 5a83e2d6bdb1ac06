"""The quality report on real materialisations: sources, gates from the run history, and no personal data."""

import dagster as dg
import duckdb

from sepakat_dagster.defs.reports.evidence import collect_gates
from sepakat_dagster.defs.reports.report import bar_chart, write_report
from sepakat_dagster.defs.sources.assets import build_conservation_check, build_source_asset
from sepakat_dagster.defs.sources.catalog import load_catalog
from tests.conftest import pipeline_resources
from tests.defs.publish.helpers import publishing, with_publish


def test_the_report_shows_sources_and_gates_without_personal_data(demo_dir, warehouse, tmp_path):
    catalog = load_catalog().values()
    assets = [build_source_asset(s) for s in catalog]
    checks = [build_conservation_check(s) for s in catalog]
    definitions = dg.Definitions(
        assets=with_publish(assets), asset_checks=checks,
        resources=pipeline_resources(warehouse, demo_dir / "landing"),
    )
    job = definitions.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, asset_selection=publishing([a.key for a in assets]))
        assert result.success
        write_report(warehouse, tmp_path / "reports", collect_gates(instance, definitions), [], result.run_id)
    document = (tmp_path / "reports" / "latest.html").read_text()

    assert "<h2>Sources and quarantine</h2>" in document and "<h2>Quality gates</h2>" in document
    assert f"checks: {len(load_catalog())} passed, 0 warned, 0 failed" in document  # the rows_conserved gates
    assert result.run_id[:8] in next((tmp_path / "reports").glob("report-*.html")).name
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute("select nama from raw.regsosek_individu limit 500").fetchall()]
        niks = [r[0] for r in con.execute("select nik from raw.regsosek_individu where nik is not null limit 500")
                .fetchall()]
    assert not [value for value in names + niks if value in document]


def test_bar_chart_scales_to_the_largest_value():
    svg = bar_chart([("a", 10.0), ("b", 5.0)])
    widths = [float(part.split("'")[0]) for part in svg.split("<rect x='")[1:] for part in [part.split("width='")[1]]]
    assert widths[0] == 2 * widths[1]


def test_bar_chart_leaves_out_suppressed_cells_and_survives_unnamed_regions():
    chart = bar_chart([("Kupang", 1.5), (None, -2.0), ("Alor", None)])
    assert chart.count("<rect") == 2
    assert "Alor" not in chart
