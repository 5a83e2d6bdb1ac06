"""Jobs over the whole graph, selected by group rather than by hand-kept key lists."""

import dagster as dg

refresh_job = dg.define_asset_job(
    name="refresh",
    selection=dg.AssetSelection.all(),
    description="Refresh every asset: ingest the landed registries and everything built on them.",
)
