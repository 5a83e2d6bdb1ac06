"""The forum report in a real browser, as a forum member opens it from disk: the province's latest.html and one
regency's file, from the session's one whole-graph run.

What the report promises its readers (the contract the report's code follows):
- Bahasa Indonesia first (`<html lang="id">`); the `#lang-switch` button turns the page to English and back,
  changing the first screen's `<h1>`;
- a first screen (`section#first-screen`) and an appendix with the engineer's detail (`section#appendix`);
- charts `[data-chart]` and maps `[data-map]` drawn by Vega once `<body data-rendered="true">`: each holds an svg
  with marks drawn from data, and none shows an error;
- no request leaves file://, no console error, and the page prints to PDF.

Screenshots and the PDF are kept in `$SEPAKAT_TEST_ARTIFACTS` (default build/test-artifacts/, ignored by git):
report-first-screen-id.png, report-first-screen-en.png, report-map.png, report-latest.png, report-regency.png
and report-latest.pdf.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.helpers import WatchedPage, artifacts_dir

RENDER_TIMEOUT_MS = 30_000
DRAWINGS = "[data-chart], [data-map]"


def open_rendered(open_page: Callable[[Path], WatchedPage], path: Path) -> WatchedPage:
    """The page once it says every chart and map is drawn; if it never does, the errors it raised say why."""
    watched = open_page(path)
    try:
        watched.page.wait_for_selector('body[data-rendered="true"]', state="attached", timeout=RENDER_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        pytest.fail(f"{path.name} never set <body data-rendered=\"true\"> within {RENDER_TIMEOUT_MS} ms; "
                    f"errors: {watched.errors}; requests leaving file://: {watched.remote_requests()}")
    return watched


def regency_files(reports: Path) -> list[Path]:
    return sorted(path for path in (reports / "regencies").glob("*.html") if re.fullmatch(r"\d{4}", path.stem))


@pytest.fixture
def latest(open_page, reports: Path) -> WatchedPage:
    return open_rendered(open_page, reports / "latest.html")


def assert_all_drawn(watched: WatchedPage) -> list[dict]:
    drawn = watched.drawn(DRAWINGS)
    assert drawn, "no [data-chart] or [data-map] element"
    assert [d["name"] for d in drawn if not d["svg"]] == [], "elements without an svg"
    assert [d["name"] for d in drawn if d["marks"] == 0] == [], "charts or maps with no mark drawn"
    assert [d["name"] for d in drawn if d["error"]] == [], "elements showing an error"
    return drawn


def test_the_report_opens_offline_with_every_chart_and_map_drawn(latest: WatchedPage):
    page = latest.page
    assert page.evaluate("document.documentElement.lang") == "id"
    assert page.locator("#first-screen h1").count() == 1
    assert page.locator("#appendix").count() == 1
    drawn = assert_all_drawn(latest)
    assert page.locator("[data-map]").count() >= 1 and page.locator("[data-chart]").count() >= 1, drawn
    latest.screenshot("report-latest.png", full_page=True)
    page.locator("[data-map]").first.screenshot(path=str(artifacts_dir() / "report-map.png"))
    latest.assert_clean()


def test_the_language_switch_turns_the_report_to_english_and_back(latest: WatchedPage):
    page = latest.page
    heading = page.locator("#first-screen h1")
    indonesian = heading.inner_text().strip()
    assert indonesian
    page.locator("#first-screen").screenshot(path=str(artifacts_dir() / "report-first-screen-id.png"))

    page.click("#lang-switch")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading).not_to_have_text(indonesian, use_inner_text=True)
    assert heading.inner_text().strip()
    page.locator("#first-screen").screenshot(path=str(artifacts_dir() / "report-first-screen-en.png"))

    page.click("#lang-switch")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(heading).to_have_text(indonesian, use_inner_text=True)
    latest.assert_clean()


def test_the_report_prints_to_pdf(latest: WatchedPage):
    latest.page.emulate_media(media="print")
    pdf = artifacts_dir() / "report-latest.pdf"
    pdf.unlink(missing_ok=True)
    latest.page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    latest.assert_clean()


def test_a_regency_report_opens_offline_with_every_chart_and_map_drawn(open_page, reports: Path):
    files = regency_files(reports)
    assert files, "no reports/regencies/<4-digit code>.html"
    regency = open_rendered(open_page, files[0])
    assert regency.page.evaluate("document.documentElement.lang") == "id"
    assert regency.page.locator("#first-screen h1").count() == 1
    assert_all_drawn(regency)
    regency.screenshot("report-regency.png", full_page=True)
    regency.assert_clean()
