"""The places stage (group `places`): households' geotags joined to hazard-zone and slum polygons.

Between the harmonisation build (staged households and zone layers) and the marts build (which reads the two
tables written here through the dbt source `places`). Metadata is counts and seconds only: never a coordinate.
"""

import dagster as dg

from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.places import settings
from sepakat_dagster.defs.places.place import place_households
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.resource_usage import measure

HOUSEHOLD_ZONES_KEY = dg.AssetKey(["places", "household_zones"])
HOUSEHOLD_GEOTAGS_KEY = dg.AssetKey(["places", "household_geotags"])
_DEPS = [dg.AssetKey(model.split(".")) for model in (settings.HOUSEHOLDS, *settings.ZONE_LAYERS.values())]
_DEPS.append(dg.AssetKey(["reference", "ref_regions"]))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(HOUSEHOLD_ZONES_KEY, deps=_DEPS, group_name="places", kinds={"duckdb", "shapely"},
                     owners=["team:sepakat-data"],
                     description="Every (household, zone) pair where a Regsosek household's geotag lies in or on "
                     "a hazard-zone or slum polygon (point-in-polygon, shapely STRtree)."),
        dg.AssetSpec(HOUSEHOLD_GEOTAGS_KEY, deps=_DEPS, group_name="places", kinds={"duckdb"},
                     owners=["team:sepakat-data"],
                     description="Every Regsosek household once, with the fate of its geotag: in_zone, "
                     "outside_zones, missing, implausible (too far from its village) or unknown_village."),
    ],
    pool="duckdb",
    partitions_def=PROVINCES,
)
def household_places(context: dg.AssetExecutionContext, warehouse: Warehouse):
    with measure() as usage, warehouse.get_connection() as con:
        placed = place_households(con)
    unusable = {status: placed.by_status[status] for status in ("missing", "implausible", "unknown_village")}
    if any(unusable.values()):
        context.log.warning(f"Households not placed for want of a usable geotag: {unusable}")
    counts = {f"households_{status}": count for status, count in placed.by_status.items()}
    yield dg.MaterializeResult(asset_key=HOUSEHOLD_ZONES_KEY, metadata={
        "dagster/row_count": placed.memberships, "zones": placed.zones, "households": placed.households,
        **counts, **usage.metadata(placed.households)})
    yield dg.MaterializeResult(asset_key=HOUSEHOLD_GEOTAGS_KEY, metadata={
        "dagster/row_count": placed.households, **counts})


@dg.definitions
def places_assets() -> dg.Definitions:
    return dg.Definitions(assets=[household_places])
