"""The forum report on real materialisations: its structure (first screen, language switch, appendix), both
languages in one file, nothing fetched from outside, the gates from the run history, and no personal data."""

import re

import dagster as dg
import duckdb

from sepakat_dagster.defs.reports import messages
from sepakat_dagster.defs.reports.evidence import collect_gates
from sepakat_dagster.defs.reports.figures import Scope
from sepakat_dagster.defs.reports.render import vega_bundle
from sepakat_dagster.defs.reports.report import render_report, write_report
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
        result = job.execute_in_process(instance=instance, asset_selection=publishing([a.key for a in assets]),
                                        partition_key="53")
        assert result.success
        gates = collect_gates(instance, definitions)
        written = write_report(warehouse, tmp_path / "reports", gates, [], result.run_id)
        english = write_report(warehouse, tmp_path / "english", gates, [], result.run_id, language="en")
    document = (tmp_path / "reports" / "latest.html").read_text()

    assert document.startswith("<!doctype html>\n<html lang=\"id\">")
    assert english.latest.read_text().startswith("<!doctype html>\n<html lang=\"en\">")
    assert 'id="lang-switch"' in document and re.search(r'<section id="first-screen">\s*<h1>', document)
    assert '<section id="appendix">' in document
    for language in ("id", "en"):  # every heading in both languages, side by side
        assert f'<span lang="{language}">{messages.text("sources.title", language)}</span>' in document
    n = len(load_catalog())
    assert messages.text("gates.note", "en", all=n, passed=n, warned=0, failed=0, not_run=0) in document
    # Offline: the Vega bundle once, inline; no external script, stylesheet, font or image.
    assert document.count(vega_bundle()) == 1
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=|@import|url\(""", document.replace(vega_bundle(), ""))
    assert written.path.name == f"report-{result.run_id[:8]}.html" and written.regencies == ()  # no marts yet
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute("select nama from raw.regsosek_individu limit 500").fetchall()]
        niks = [r[0] for r in con.execute("select nik from raw.regsosek_individu where nik is not null limit 500")
                .fetchall()]
    assert not [value for value in names + niks if value in document]


def test_village_proposals_show_their_totals_and_the_regencies_ranked_when_the_tables_exist(tmp_path):
    """The block of another change's marts (proposals answered back to villages, the data-update scorecard): shown
    from their tables when the warehouse has them, absent otherwise; small totals withheld."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
    assert 'id="village-proposals"' not in render_report(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("""
            create table marts.village_proposal_counts as
            select * from (values ('53', '5301', '5301010001', 30, 12, 10, 8),
                                  ('53', '5301', '5301010002', 20, 8, 4, 8),
                                  ('53', '5302', '5302010001', 25, 5, 3, 17))
                as t(province_code, regency_code, village_code, proposals_received, accepted, rejected,
                     awaiting_verification)
        """)
        con.execute("""
            create table marts.regency_data_update_scorecard as
            select * from (values ('5301', 1, 0.9), ('5302', 2, 0.4)) as t(regency_code, rank, score)
        """)
    document = render_report(warehouse, language="en")
    block = document.split('<section id="village-proposals">', 1)[1].split("</section>", 1)[0]
    for value, key in ((75, "proposals_received"), (25, "accepted"), (33, "awaiting_verification")):
        assert f'<span lang="en">{value}</span></div><div class="label">' \
               f'<span lang="id">{messages.text("proposals." + key, "id")}' in block, key
    assert messages.text("proposals.rejected", "en") in block and '<div class="figure">\u2013</div>' not in block
    assert 'data-chart="scorecard"' in block
    regency = render_report(warehouse, scope=Scope("5302", "Kota"))
    assert '<div class="figure">\u2013</div>' in regency  # 5 accepted, 3 rejected: small, withheld
