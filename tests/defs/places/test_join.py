"""The point-in-polygon join on hand-made polygons, checked against what each point is by construction: a
polygon with a hole, a multipolygon, points on edges (in: the boundary rule), in a hole, outside, and missing."""

import numpy as np
import pyarrow as pa

from sepakat_dagster.defs.places.join import Zones, points_in_zones, zone_rows

RING = "(0 0, 10 0, 10 10, 0 10, 0 0)"
HOLE = "(4 4, 6 4, 6 6, 4 6, 4 4)"
ZONES = Zones.from_wkt(
    ["holed", "two_parts", "overlapping"],
    ["hazard", "slum", "hazard"],
    [
        f"POLYGON ({RING}, {HOLE})",
        "MULTIPOLYGON (((20 0, 21 0, 21 1, 20 1, 20 0)), ((30 0, 31 0, 31 1, 30 1, 30 0)))",
        "POLYGON ((8 8, 12 8, 12 12, 8 12, 8 8))",
    ],
)
# (longitude, latitude, zones it is in)
POINTS = [
    (1.0, 1.0, {"holed"}),  # inside
    (5.0, 5.0, set()),  # in the hole
    (4.0, 5.0, {"holed"}),  # on the hole's edge: on the boundary of the zone, so in it
    (10.0, 5.0, {"holed"}),  # on the outer edge
    (0.0, 0.0, {"holed"}),  # on a vertex
    (9.0, 9.0, {"holed", "overlapping"}),  # in two zones
    (20.5, 0.5, {"two_parts"}),  # first part
    (30.5, 0.5, {"two_parts"}),  # second part
    (25.0, 0.5, set()),  # between the parts
    (50.0, 50.0, set()),  # far outside
    (np.nan, 5.0, set()),  # missing longitude
    (5.0, np.nan, set()),  # missing latitude
]


def test_each_point_is_in_exactly_its_zones():
    longitude = np.array([p[0] for p in POINTS])
    latitude = np.array([p[1] for p in POINTS])
    point_index, zone_index = points_in_zones(ZONES, longitude, latitude)
    found = [set() for _ in POINTS]
    for point, zone in zip(point_index.tolist(), zone_index.tolist(), strict=True):
        found[point].add(ZONES.ids[zone])
    assert found == [p[2] for p in POINTS]


def test_a_batch_becomes_household_and_zone_rows():
    batch = pa.record_batch({
        "household_id": ["RS1", "RS2", "RS3"],
        "longitude": [9.0, 5.0, None],
        "latitude": [9.0, 5.0, 1.0],
    })
    rows = zone_rows(ZONES, batch).sort_by([("household_id", "ascending"), ("zone_id", "ascending")])
    assert rows.to_pylist() == [
        {"household_id": "RS1", "zone_id": "holed", "layer": "hazard"},
        {"household_id": "RS1", "zone_id": "overlapping", "layer": "hazard"},
    ]
