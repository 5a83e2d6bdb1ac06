"""Point-in-polygon: households' geotags against zone polygons, with shapely 2's vectorised STRtree.

The zones are few (thousands) and fit in memory; the households (1.4 million in a province) do not need to: they
come from DuckDB in Arrow record batches, each batch is queried against the tree in one vectorised call, and its
(household, zone) pairs go back to the warehouse before the next batch is read.

Boundary rule: a point on a zone's edge, or on the edge of one of its holes, is in the zone (predicate
`intersects`, i.e. the closed polygon): for hazard exposure a household on the line is better counted than missed.
A missing coordinate is in no zone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import shapely


@dataclass(frozen=True)
class Zones:
    """Zone polygons and their ids, indexed once for every batch of points."""

    ids: np.ndarray  # zone ids, aligned with the tree's geometries
    layers: np.ndarray  # layer of each zone
    tree: shapely.STRtree

    @classmethod
    def from_wkt(cls, ids: list[str], layers: list[str], wkt: list[str]) -> Zones:
        geometries = shapely.from_wkt(np.array(wkt, dtype=object))
        return cls(np.array(ids, dtype=object), np.array(layers, dtype=object), shapely.STRtree(geometries))


def points_in_zones(zones: Zones, longitude: np.ndarray, latitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(point positions, zone positions) of every point and zone it lies in or on; NaN coordinates match nothing."""
    present = ~(np.isnan(longitude) | np.isnan(latitude))
    points = np.full(len(longitude), None, dtype=object)
    points[present] = shapely.points(longitude[present], latitude[present])
    point_index, zone_index = zones.tree.query(points, predicate="intersects")
    return point_index, zone_index


def zone_rows(zones: Zones, batch: pa.RecordBatch) -> pa.Table:
    """(household_id, zone_id, layer) for one batch of (household_id, longitude, latitude)."""
    longitude = batch.column("longitude").to_numpy(zero_copy_only=False).astype(float)
    latitude = batch.column("latitude").to_numpy(zero_copy_only=False).astype(float)
    point_index, zone_index = points_in_zones(zones, longitude, latitude)
    return pa.table({
        "household_id": batch.column("household_id").take(pa.array(point_index, type=pa.int64())),
        "zone_id": pa.array(zones.ids[zone_index], type=pa.string()),
        "layer": pa.array(zones.layers[zone_index], type=pa.string()),
    })
