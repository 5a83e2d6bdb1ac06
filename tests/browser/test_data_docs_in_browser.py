"""The Data Docs in a real browser, opened from disk as a forum member would, from the session's one whole-graph
run: the index, a validation page and a suite page load nothing from the web and raise no error, and what
jQuery, Bootstrap and bootstrap-table used to do still works (tabs, the index's filter and clickable rows, the
"failed only" filter, collapsed details), on a passing and on a failing validation. A chart page is drawn with
the site's own Vega.

Screenshots in `$SEPAKAT_TEST_ARTIFACTS` (default build/test-artifacts/, ignored by git): data-docs-index.png,
data-docs-validation.png, data-docs-validation-failed.png, data-docs-suite.png, data-docs-chart.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from great_expectations.render import RenderedDocumentContent, RenderedGraphContent, RenderedSectionContent

from sepakat_dagster.defs.quality.data_docs.views import OfflinePageView
from sepakat_dagster.defs.quality.gates import load_gates
from sepakat_dagster.defs.quality.validate import data_docs_dir, run_gate
from tests.defs.marts.helpers import Pipeline

SUITE = "raw_regsosek_individu"


@pytest.fixture(scope="module")
def site(reports: Path) -> Path:
    return reports / "data_docs"


def test_the_index_lists_every_suite_and_its_validations_offline(open_page, site: Path):
    index = open_page(site / "index.html")
    page = index.page
    suites = len(load_gates())
    validations = page.locator("#Validation-Results tbody tr")
    assert validations.count() >= suites
    assert page.locator("#Expectation-Suites").is_hidden()
    index.screenshot("data-docs-index.png", full_page=True)

    page.click("#Expectation-Suites-tab")
    assert page.locator("#Expectation-Suites").is_visible() and page.locator("#Validation-Results").is_hidden()
    assert page.locator("#Expectation-Suites tbody tr").count() == suites

    page.click("#Validation-Results-tab")
    page.locator("#Validation-Results [data-filter-table]").fill(SUITE)
    shown = page.locator("#Validation-Results tbody tr:visible")
    assert 1 <= shown.count() < validations.count()
    assert all(SUITE in text for text in shown.all_inner_texts())

    shown.first.locator("td").first.click()  # a row opens its validation page
    page.wait_for_url(f"**/validations/{SUITE}/**")
    assert page.url.startswith("file://")
    index.assert_clean()


def test_a_validation_page_shows_its_results_offline(open_page, site: Path):
    (path, *_) = sorted(site.glob(f"validations/{SUITE}/*/*/*.html"))
    validation = open_page(path)
    page = validation.page
    results = page.locator(".hide-succeeded-validation-target-child")
    assert results.count() > 0
    assert page.locator(".fa-check-circle").first.is_visible()
    validation.screenshot("data-docs-validation.png", full_page=True)

    # The session's province passes every gate: "failed only" leaves nothing, "show all" brings it all back.
    page.click("[data-validation-filter=failed]")
    assert page.locator(".hide-succeeded-validation-target-child:visible").count() == 0
    page.click("[data-validation-filter=all]")
    assert page.locator(".hide-succeeded-validation-target-child:visible").count() == results.count()

    toggle = page.locator('[data-toggle="collapse"]').first
    details = page.locator(f"#{toggle.get_attribute('href').lstrip('#')}")
    assert details.is_hidden()
    toggle.click()
    assert details.is_visible()

    page.click(".ge-breadcrumbs a")  # home, back to the index
    page.wait_for_url("**/data_docs/index.html")
    validation.assert_clean()


def test_a_failed_validation_shows_its_failures_and_only_them_when_asked(open_page, pipeline: Pipeline,
                                                                         tmp_path: Path):
    """A targeting list checked against narrower rules than it was built with fails two expectations."""
    (gate,) = [gate for gate in load_gates() if gate.suite_name == "targeting_list"]
    warehouse = pipeline.copy_warehouse(tmp_path / "wh")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update intermediate.int_marts_program_rules set max_decile = max_decile - 1")
        parameters = gate.parameter_values(con)
    outcome = run_gate(gate, warehouse, parameters, tmp_path / "reports", "narrower-rules")
    assert outcome.critical_failures
    (path,) = data_docs_dir(tmp_path / "reports").glob("validations/targeting_list/*/*/*.html")

    validation = open_page(path)
    page = validation.page
    failed = page.locator("tr:has(.fa-times)")
    assert failed.count() >= len(outcome.critical_failures) and failed.first.is_visible()
    validation.screenshot("data-docs-validation-failed.png", full_page=True)
    page.click("[data-validation-filter=failed]")
    assert page.locator(".hide-succeeded-validation-target-child:visible").count() == 0
    assert page.locator("tr:has(.fa-times):visible").count() == failed.count()
    validation.assert_clean()


def test_a_suite_page_opens_offline(open_page, site: Path):
    suite = open_page(site / "expectations" / f"{SUITE}.html")
    assert suite.page.locator(".ge-section").count() > 1
    suite.screenshot("data-docs-suite.png", full_page=True)
    suite.assert_clean()


def test_a_chart_in_the_data_docs_is_drawn_with_the_sites_own_vega(open_page, site: Path, tmp_path: Path):
    """great-expectations draws a chart for some expectations (the KL divergence's partition); the page loads
    the Vega bundle written into the site, only when it holds a chart."""
    copy = tmp_path / "data_docs"
    shutil.copytree(site, copy)
    spec = {"data": {"values": [{"decile": str(d), "share": 0.1} for d in range(1, 11)]}, "mark": "bar",
            "encoding": {"x": {"field": "decile", "type": "nominal"}, "y": {"field": "share", "type": "quantitative"}}}
    document = RenderedDocumentContent(
        sections=[RenderedSectionContent(content_blocks=[RenderedGraphContent(graph=spec)], section_name="Deciles")],
        renderer_type="ValidationResultsPageRenderer", page_title="Deciles")
    path = copy / "validations" / "deciles" / "run" / "time" / "deciles.html"
    path.parent.mkdir(parents=True)
    path.write_text(OfflinePageView().render(document), encoding="utf-8")

    chart = open_page(path)
    chart.page.wait_for_selector("[data-vega-chart] svg g.role-mark > *", timeout=30_000)
    (drawn,) = chart.drawn("[data-vega-chart]")
    assert drawn["marks"] == 10 and not drawn["error"]
    assert any("/static/sepakat/vega-" in url for url in chart.requests)
    chart.screenshot("data-docs-chart.png")
    chart.assert_clean()
