"""The generated zone layers: valid polygons as delivered, and a truth (made by arithmetic) that a geometry library
agrees with, with no geotag on any edge, so that the boundary rule of a join cannot change it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely


def _layer(run: Path, pattern: str, id_column: str) -> pd.DataFrame:
    (path,) = (run / "landing").glob(pattern)
    frame = pd.read_csv(path, dtype=str)
    return pd.DataFrame({"zone_id": frame[id_column], "geometry": shapely.from_wkt(frame["geometri"].to_numpy())})


def test_the_true_zones_are_the_polygons_a_geometry_library_sees(default_run: Path, households: pd.DataFrame):
    zones = pd.concat([_layer(default_run, "inarisk/inarisk_zona_bahaya_*.csv", "id_zona"),
                       _layer(default_run, "pupr/kawasan_kumuh_*.csv", "id_kawasan")], ignore_index=True)
    geometries = zones["geometry"].to_numpy()
    assert shapely.is_valid(geometries).all()
    assert set(shapely.get_type_id(geometries)) == {3, 6}  # polygons (some with holes) and multipolygons
    assert (shapely.get_num_interior_rings(geometries) > 0).any()

    points = shapely.points(households["longitude"].to_numpy(), households["latitude"].to_numpy())
    tree = shapely.STRtree(geometries)
    point_index, zone_index = tree.query(points, predicate="intersects")
    seen = set(zip(households["household_id"].to_numpy()[point_index].tolist(),
                   zones["zone_id"].to_numpy()[zone_index].tolist(), strict=True))
    truth = pd.read_parquet(default_run / "truth" / "household_zones.parquet")
    assert len(truth) > 1000
    assert seen == set(zip(truth["household_id"].tolist(), truth["zone_id"].tolist(), strict=True))
    # No geotag touches an edge: the closed and the open polygon hold the same households.
    inside_open = tree.query(points, predicate="within")
    assert np.array_equal(np.sort(inside_open[0]), np.sort(point_index))
