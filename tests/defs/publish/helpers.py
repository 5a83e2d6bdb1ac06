"""Runs of a few assets that publish what they build, as every refresh does: tests then read the published
warehouse, as readers do."""

import hashlib
from pathlib import Path

import dagster as dg

from sepakat_dagster.defs.publish.assets import PUBLISH_KEY, build_publish_asset


def with_publish(assets: list) -> list:
    """`assets` and a `publish` step downstream of every one of them that a run builds (not an external spec)."""
    keys = [key for definition in assets if isinstance(definition, dg.AssetsDefinition) for key in definition.keys]
    return [*assets, build_publish_asset(keys)]


def publishing(selection):
    """`selection` (None for every asset, a list of keys or an AssetSelection) with the `publish` step added."""
    if selection is None:
        return None
    if isinstance(selection, dg.AssetSelection):
        return selection | dg.AssetSelection.assets(PUBLISH_KEY)
    return [*selection, PUBLISH_KEY]


def file_digest(path: Path) -> str:
    """The published file byte for byte: a run that does not publish leaves it as it was."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
