"""Place every geotagged household in the zones it lies in: the warehouse side of the point-in-polygon join.

The checks of the geotags (missing, implausible) and every count run in DuckDB; only coordinates of usable
geotags travel to Python, a batch at a time (join.py), and only ids come back. No coordinate leaves this module:
the tables written hold household ids, zone ids and a status, and the figures returned are counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from sepakat_dagster.defs.places import settings
from sepakat_dagster.defs.places.join import Zones, zone_rows

GEOTAG_STATUSES = ("in_zone", "outside_zones", "missing", "implausible", "unknown_village")


@dataclass(frozen=True)
class Placement:
    households: int
    zones: int
    memberships: int  # (household, zone) rows
    by_status: dict[str, int]


def _checked_geotags_sql() -> str:
    """Each household's geotag with its status before the join: usable, missing, implausible (too far from its
    village's centroid, great-circle distance) or unknown_village (no centroid to check it against)."""
    return f"""
        select households.household_id, households.village_code, households.longitude, households.latitude,
               case when households.longitude is null or households.latitude is null then 'missing'
                    when villages.latitude is null then 'unknown_village'
                    when 2 * 6371.0 * asin(sqrt(
                             pow(sin(radians(households.latitude - villages.latitude) / 2), 2)
                             + cos(radians(households.latitude)) * cos(radians(villages.latitude))
                               * pow(sin(radians(households.longitude - villages.longitude) / 2), 2)))
                         > {settings.GEOTAG_MAX_KM} then 'implausible'
                    else 'usable' end as geotag_status
        from {settings.HOUSEHOLDS} as households
        left join {settings.REGIONS} as villages
            on villages.region_code = households.village_code and villages.level = 'village'
    """


def load_zones(con: duckdb.DuckDBPyConnection) -> Zones:
    union = " union all ".join(
        f"select zone_id, '{layer}' as layer, geometry_wkt from {model}"
        for layer, model in settings.ZONE_LAYERS.items()
    )
    rows = con.execute(f"select * from ({union}) order by layer, zone_id").fetchall()
    ids, layers, wkt = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
    return Zones.from_wkt(ids, layers, wkt)


def place_households(con: duckdb.DuckDBPyConnection) -> Placement:
    """Replace places.household_zones and places.household_geotags from the staged households and zones."""
    zones = load_zones(con)
    con.execute(f"create schema if not exists {settings.SCHEMA}")
    con.execute(f"create or replace temp table _geotags as {_checked_geotags_sql()}")
    con.execute(f"create or replace table {settings.HOUSEHOLD_ZONES} "
                "(household_id varchar, zone_id varchar, layer varchar)")
    writer = con.cursor()  # the reader streams on `con`; batches are written through a second connection
    try:
        reader = con.sql(
            "select household_id, longitude, latitude from _geotags where geotag_status = 'usable'"
        ).to_arrow_reader(settings.BATCH_ROWS)
        for batch in reader:
            rows = zone_rows(zones, batch)
            writer.register("_batch_zones", rows)
            writer.execute(f"insert into {settings.HOUSEHOLD_ZONES} select * from _batch_zones")
            writer.unregister("_batch_zones")
    finally:
        writer.close()
    con.execute(f"""
        create or replace table {settings.HOUSEHOLD_GEOTAGS} as
        select geotags.household_id, geotags.village_code,
               case when geotags.geotag_status <> 'usable' then geotags.geotag_status
                    when placed.household_id is not null then 'in_zone'
                    else 'outside_zones' end as geotag_status
        from _geotags as geotags
        left join (select distinct household_id from {settings.HOUSEHOLD_ZONES}) as placed
            on geotags.household_id = placed.household_id
    """)
    by_status = dict.fromkeys(GEOTAG_STATUSES, 0)
    by_status.update(dict(con.execute(
        f"select geotag_status, count(*) from {settings.HOUSEHOLD_GEOTAGS} group by all").fetchall()))
    (memberships,) = con.execute(f"select count(*) from {settings.HOUSEHOLD_ZONES}").fetchall()[0]
    return Placement(sum(by_status.values()), len(zones.ids), memberships, by_status)
