"""The `polygon` column type of the source catalogue: WKT polygons validated with shapely, inside the loader's SQL.

A zone layer (hazard zones, slum areas) is only as good as its polygons: an unreadable, self-intersecting or empty
shape, a point where an area was meant, or coordinates in a projected system (metres) or with latitude and
longitude swapped would put households in the wrong zone without a word. The loader types and checks every field
in one SQL pass, so the check is a DuckDB function (vectorised over Arrow batches) that the pass calls like any
other: its reason goes to audit.quarantine with the file, record and field, as every other failed check does.
Reasons never quote a coordinate (shapely's own reason ends with the offending point; it is cut off).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import shapely

FUNCTION = "sepakat_polygon_problem"
# WGS84 lon/lat of Indonesia with a margin: the extent the catalogue allows a household geotag.
LONGITUDE = (94.5, 141.5)
LATITUDE = (-11.5, 6.5)
_POLYGONAL = {"Polygon", "MultiPolygon"}


def polygon_problems(texts: np.ndarray) -> list[str | None]:
    """Why each WKT text is not a usable lon/lat polygon, or None where it is (and where the text is None)."""
    geometries = shapely.from_wkt(texts, on_invalid="ignore")
    present = np.array([text is not None for text in texts], dtype=bool)
    valid = shapely.is_valid(geometries)
    empty = shapely.is_empty(geometries)
    bounds = shapely.bounds(geometries)
    problems: list[str | None] = []
    for i, geometry in enumerate(geometries):
        if not present[i]:
            problems.append(None)
        elif geometry is None:
            problems.append("not readable as WKT")
        elif geometry.geom_type not in _POLYGONAL:
            problems.append(f"not a polygon ({geometry.geom_type})")
        elif empty[i]:
            problems.append("empty polygon")
        elif not valid[i]:
            reason = shapely.is_valid_reason(geometry).split("[")[0].strip()
            problems.append(f"invalid polygon: {reason}")
        elif not (LONGITUDE[0] <= bounds[i, 0] and bounds[i, 2] <= LONGITUDE[1]
                  and LATITUDE[0] <= bounds[i, 1] and bounds[i, 3] <= LATITUDE[1]):
            problems.append("outside Indonesia in WGS84 lon/lat (projected, or latitude and longitude swapped?)")
        else:
            problems.append(None)
    return problems


def _arrow_problems(values: pa.Array) -> pa.Array:
    texts = np.array(values.to_pylist(), dtype=object)
    return pa.array(polygon_problems(texts), type=pa.string())


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make `sepakat_polygon_problem(varchar) -> varchar` callable on `con` (once per connection)."""
    (exists,) = con.execute(
        "select count(*) from duckdb_functions() where function_name = ?", [FUNCTION]
    ).fetchall()[0]
    if not exists:
        con.create_function(FUNCTION, _arrow_problems, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR"),
                            type="arrow", null_handling="special", side_effects=False)
