"""Jobs over the graph, selected by group rather than by hand-kept key lists."""

import dagster as dg

from sepakat_dagster.defs.partitions import PROVINCES

refresh_job = dg.define_asset_job(
    name="refresh",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("national"),
    partitions_def=PROVINCES,
    description="Refresh one province (the run's partition): ingest its landed registries and everything built on "
    "them, into its own warehouse.",
)
