"""Runs of a few assets that publish what they build, as every refresh does: tests then read the published
warehouse, as readers do."""

import dagster as dg

from sepakat_dagster.defs.publish.assets import PUBLISH_KEY, build_publish_asset


def with_publish(assets: list) -> list:
    """`assets` and a `publish` step downstream of every one of them."""
    keys = [key for definition in assets for key in definition.keys]
    return [*assets, build_publish_asset(keys)]


def publishing(selection):
    """`selection` (None for every asset, a list of keys or an AssetSelection) with the `publish` step added."""
    if selection is None:
        return None
    if isinstance(selection, dg.AssetSelection):
        return selection | dg.AssetSelection.assets(PUBLISH_KEY)
    return [*selection, PUBLISH_KEY]
