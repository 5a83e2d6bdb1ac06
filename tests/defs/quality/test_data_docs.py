"""The Data Docs the gates build open offline: no page names a remote script, stylesheet, image or font, every
local asset a page names is in the site, and a site built before by the stock templates (CDN assets) is rebuilt
offline by the next gate. The pages in a real browser: tests/browser/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from sepakat_dagster.defs.quality.data_docs.views import VEGA_SCRIPT
from sepakat_dagster.defs.quality.gates import load_gates
from sepakat_dagster.defs.quality.validate import data_docs_dir, run_gate
from tests.defs.marts.helpers import Pipeline, materialised_pipeline

# What a page loads by itself: script and image sources, stylesheets and icons, CSS urls, and the Vega bundle a
# page with a chart loads. An anchor's href is not a request until a reader follows it, so the attribution link
# to great-expectations may stay.
LOADED = re.compile(r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["']([^"']+)["']"""
                    r"""|<link\b[^>]*\bhref=["']([^"']+)["']"""
                    r"""|\bdata-vega-script=["']([^"']+)["']"""
                    r"""|url\(\s*["']?([^"')]+)""", re.IGNORECASE)
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CDN_HOSTS = ("cdnjs.cloudflare.com", "unpkg.com", "cdn.jsdelivr.net", "maxcdn.bootstrapcdn.com",
             "stackpath.bootstrapcdn.com", "code.jquery.com", "great-expectations-web-assets")


@pytest.fixture(scope="module")
def pipeline(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return materialised_pipeline(demo_dir, tmp_path_factory)


def loaded_urls(page: Path) -> list[str]:
    return [next(url for url in match.groups() if url) for match in LOADED.finditer(page.read_text())]


def test_no_data_docs_page_loads_anything_from_the_web(pipeline: Pipeline):
    site = pipeline.warehouse.parent / "reports" / "data_docs"
    pages = sorted(site.rglob("*.html"))
    # The index, one page per suite and one per suite's validation in the session's run.
    assert len(pages) >= 1 + 2 * len(load_gates())
    remote = {f"{page.relative_to(site)}: {url}" for page in pages for url in loaded_urls(page) if REMOTE.match(url)}
    assert not remote
    assert not [page for page in pages if any(host in page.read_text() for host in CDN_HOSTS)]
    missing = {f"{page.relative_to(site)}: {url}" for page in pages for url in loaded_urls(page)
               if not url.startswith("data:") and not (page.parent / url.split("?")[0]).resolve().is_file()}
    assert not missing
    assert (site / VEGA_SCRIPT).stat().st_size > 500_000  # Vega, Vega-Lite and vega-embed, for a page's chart


def test_a_site_built_with_cdn_assets_is_rebuilt_offline_by_the_next_gate(pipeline: Pipeline, tmp_path: Path):
    """A province upgraded from the stock templates: its old pages are rewritten, not left loading CDNs."""
    quality = tmp_path / "reports"
    shutil.copytree(pipeline.warehouse.parent / "reports" / "gx_stores", quality / "gx_stores")
    shutil.copytree(pipeline.warehouse.parent / "reports" / "data_docs", data_docs_dir(quality))
    (data_docs_dir(quality) / VEGA_SCRIPT).unlink()
    stale = sorted(data_docs_dir(quality).glob("validations/*/*/*/*.html"))
    for page in stale:
        page.write_text('<html><head><script src="https://cdn.jsdelivr.net/npm/vega@5"></script></head></html>')

    gate = next(gate for gate in load_gates() if gate.suite_name == "raw_sipd_anggaran")
    warehouse = pipeline.copy_warehouse(tmp_path / "wh")
    with duckdb.connect(str(warehouse)) as con:
        parameters = gate.parameter_values(con)
    assert run_gate(gate, warehouse, parameters, quality, "after-upgrade").success

    assert stale and all(page.exists() for page in stale)
    assert not [page for page in data_docs_dir(quality).rglob("*.html") if "cdn.jsdelivr.net" in page.read_text()]
    assert (data_docs_dir(quality) / VEGA_SCRIPT).is_file()
