"""A real browser for the pages a forum member opens from disk: Playwright driving Debian's Chromium.

One browser per session, a fresh context per page. Every page is watched for requests that leave file:// and for
console errors and uncaught exceptions. Screenshots and PDFs are kept in `$SEPAKAT_TEST_ARTIFACTS` (default
`build/test-artifacts/` in the repository, which git ignores) for a reviewer to look at.

Without /usr/bin/chromium the tests skip, unless SEPAKAT_REQUIRE_SERVICES=1 (as in CI), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import WatchedPage
from tests.defs.marts.helpers import Pipeline, materialised_pipeline

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, offline-friendly Chromium: no background fetches of its own (updates, sync, safe browsing lists) that a
# request check would mistake for the page's.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1280, "height": 900}

@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("SEPAKAT_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def pipeline(browser, demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The session's one whole-graph run. Asks for the browser first, so a machine without Chromium skips before
    building the graph."""
    return materialised_pipeline(demo_dir, tmp_path_factory)


@pytest.fixture(scope="session")
def reports(pipeline: Pipeline) -> Path:
    """The run's reports folder: latest.html, regencies/, data_docs/."""
    return pipeline.warehouse.parent / "reports"


@pytest.fixture
def open_page(browser) -> Iterator[Callable[[Path], WatchedPage]]:
    """Opens a file in a fresh browser context, watched from its first request."""
    contexts = []

    def open_(path: Path) -> WatchedPage:
        assert path.is_file(), path
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        watched = WatchedPage(page)
        page.on("request", lambda request: watched.requests.append(request.url))
        page.on("console", lambda message: watched.errors.append(f"console: {message.text}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: watched.errors.append(f"page error: {error}"))
        page.goto(path.as_uri(), wait_until="load")
        return watched

    yield open_
    for context in contexts:
        context.close()
