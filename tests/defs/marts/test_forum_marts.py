"""The forum report's marts on the session's province: the hex-bin map counts against an independent binning of
the geotags (nearest hexagon centre, in Python), their suppression, and the first screen's figures against the
internal marts they publish a part of."""

from __future__ import annotations

import math
from collections import Counter

import duckdb
import yaml

from sepakat_dagster.defs.marts.disclosure import publishable_tables, violations
from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.defs.marts.helpers import MIN_CELL_COUNT, Pipeline

SIZES = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][
    "map_hex_size_degrees"]


def _centre(q: int, r: int, size: float) -> tuple[float, float]:
    return size * math.sqrt(3) * (q + r / 2), size * 1.5 * r


def _nearest_hexagon(lon: float, lat: float, size: float) -> tuple[int, int]:
    """The hexagon whose centre is nearest the point: every point of a regular hexagon grid lies in the cell of its
    nearest centre (searched among the axial neighbours of the point's rough position)."""
    r0 = round(lat / (1.5 * size))
    q0 = round(lon / (size * math.sqrt(3)) - r0 / 2)
    candidates = [(q, r) for q in range(q0 - 2, q0 + 3) for r in range(r0 - 2, r0 + 3)]
    return min(candidates, key=lambda c: math.dist(_centre(*c, size), (lon, lat)))


def _families(pipeline: Pipeline) -> list[tuple]:
    """(regency, longitude, latitude, receives none) of every deciles 1-4 family with living members and a geotag."""
    ranking = pipeline.scalar("select ranking from reference.welfare_rankings where is_reference")
    return pipeline.query(f"""
        with geotags as (
            select units.family_key, min_by(households.longitude, units.household_record_key) as longitude,
                   min_by(households.latitude, units.household_record_key) as latitude
            from intermediate.int_marts_family_units as units
            join staging.stg_regsosek__households as households
              on units.household_record_key = 'regsosek_keluarga:' || households.household_id
            where units.registry = 'regsosek' and households.latitude is not null and households.longitude is not null
            group by 1
        )
        select families.regency_code, geotags.longitude, geotags.latitude,
               not exists (select 1 from intermediate.int_marts_program_units as units
                           where units.family_key = families.family_key and units.receiving)
        from intermediate.int_marts_families as families
        join geotags using (family_key)
        where families.members_living > 0 and families.{ranking}_decile in (
            select decile from reference.decile_definitions where is_priority_band)
    """)


def test_the_map_counts_each_hexagon_as_an_independent_binning_does(pipeline: Pipeline):
    families = _families(pipeline)
    assert len(families) > 200
    expected: dict[tuple, Counter] = {}
    for regency, lon, lat, receives_none in families:
        for level, size in SIZES.items():
            q, r = _nearest_hexagon(lon, lat, size)
            cell = ("province", None, q, r) if level == "province" else ("regency", regency, q, r)
            counts = expected.setdefault(cell, Counter())
            counts["households"] += 1
            counts["households_no_programme"] += receives_none
    rows = pipeline.query("""
        select map_level, regency_code, hex_q, hex_r, households, households_no_programme
        from marts.map_hex_households where region_level = 'hex'
    """)
    assert {(level, regency, q, r) for level, regency, q, r, *_ in rows} == set(expected)
    shown = 0
    for level, regency, q, r, households, none in rows:
        counts = expected[(level, regency, q, r)]
        for column, value in (("households", households), ("households_no_programme", none)):
            if value is not None:
                assert value == counts[column], (level, regency, q, r, column)
                shown += 1
    assert shown > 0
    total = pipeline.query("select households, households_no_programme from marts.map_hex_households "
                           "where region_level = 'province'")
    assert total == [(len(families), sum(f[3] for f in families))]


def test_the_map_and_the_first_screen_marts_suppress_their_small_cells(pipeline: Pipeline):
    tables = {table.name: table for table in publishable_tables()}
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        for name in ("map_hex_households", "forum_programme_figures", "registry_gap_by_regency"):
            assert violations(con, tables[name]) == [], name
    small = pipeline.query(f"""
        select count(*) filter (where households between 1 and {MIN_CELL_COUNT - 1}
                                   or households_no_programme between 1 and {MIN_CELL_COUNT - 1}
                                   or households - households_no_programme between 1 and {MIN_CELL_COUNT - 1}),
               count(*) filter (where households is null)
        from marts.map_hex_households
    """)[0]
    assert small[0] == 0 and small[1] > 0  # hexagons of a few households were withheld, and only those


def test_the_first_screen_publishes_the_internal_figures_as_they_are_where_shown(pipeline: Pipeline):
    published = pipeline.query("""
        select region_code, program, eligible_units, exclusion_error_units, inclusion_error_units, net_reallocation_idr
        from marts.forum_programme_figures where not suppressed order by all
    """)
    internal = pipeline.query("""
        select region_code, program, eligible_units, exclusion_error_units, inclusion_error_units, net_reallocation_idr
        from marts.budget_reallocation where region_level in ('province', 'regency') order by all
    """)
    assert published and set(published) <= set(internal)
    gap = pipeline.query("select persons_in_none_estimated from marts.registry_gap_by_regency "
                         "where region_level = 'province'")
    assert gap == pipeline.query("select persons_in_none_estimated from marts.registry_coverage "
                                 "where region_level = 'province' and province_code is not null")
