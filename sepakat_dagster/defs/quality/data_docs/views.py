"""The offline views, the site builder config that selects them, and the one asset written beside the pages.

great-expectations puts the templates of `custom_views_directory` *after* its own in the Jinja loader, so that
option can add templates but not replace `page.j2` or the CDN imports. The views below subclass the stock page
views and put `templates/` first; every template not found there (sections, tables, string templates, ...) is
still great-expectations' own.
"""

from __future__ import annotations

import functools
import os
from importlib.metadata import version
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
# Versioned, so a site built by an older vl-convert gets the new bundle and pages never load a mismatched one.
VEGA_SCRIPT = f"static/sepakat/vega-{version('vl-convert-python')}.js"
VIEW_CLASSES = ("OfflinePageView", "OfflineIndexPageView")


@functools.cache
def _view_classes() -> dict[str, type]:
    """The view classes, defined when great-expectations first asks for one, not when this module is imported:
    the Dagster definitions import every module of their folders, and importing great-expectations takes seconds
    that only a run that validates should pay (as `gx_duckdb` does for the datasource)."""
    from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
    from jinja2 import ChoiceLoader, FileSystemLoader

    def put_our_templates_first(view) -> None:
        view.env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), view.env.loader])
        # Relative to the site's root; each page prefixes its own way back to the root.
        view.env.globals["vega_script"] = VEGA_SCRIPT

    class OfflinePageView(DefaultJinjaPageView):
        """Suite and validation pages rendered with the offline templates."""

        def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
            super().__init__(custom_styles_directory, custom_views_directory)
            put_our_templates_first(self)

    class OfflineIndexPageView(DefaultJinjaIndexPageView):
        """The site's index rendered with the offline templates."""

        def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
            super().__init__(custom_styles_directory, custom_views_directory)
            put_our_templates_first(self)

    return {"OfflinePageView": OfflinePageView, "OfflineIndexPageView": OfflineIndexPageView}


def __getattr__(name: str) -> type:
    """great-expectations loads a view by its module and class name (`getattr`), which lands here."""
    if name in VIEW_CLASSES:
        return _view_classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _view(class_name: str) -> dict:
    return {"module_name": __name__, "class_name": class_name}


def site_builder_config(site_dir: Path) -> dict:
    """A `SiteBuilder` site writing to `site_dir` whose every page is rendered by the offline views."""
    page = {"view": _view("OfflinePageView")}
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder",
                               "view": _view("OfflineIndexPageView")},
        "site_section_builders": {"expectations": page, "validations": page, "profiling": page},
    }


def install_assets(site_dir: Path) -> bool:
    """Write the Vega bundle into the site unless it is there; True when it was not (the site predates it).

    The bundle (Vega, Vega-Lite and vega-embed, about 0.9 MB) is generated from the installed vl-convert package,
    so no third-party script lives in the repository, and written once per site rather than into every page.
    """
    target = site_dir / VEGA_SCRIPT
    if target.exists():
        return False
    import vl_convert

    target.parent.mkdir(parents=True, exist_ok=True)
    # Gates run in parallel processes: each writes its own partial file and renames it (atomic) into place.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    partial.replace(target)
    return True
