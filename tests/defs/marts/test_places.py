"""Hazards and places on the session's province, against the generator's ground truth: the household zones the
generator knows by arithmetic (truth/household_zones.parquet, no geometry library), the households that moved, and
the DIBI events as delivered."""

from __future__ import annotations

from pathlib import Path

from tests.defs.marts.helpers import Pipeline

# The marts count family units through their Regsosek record: Regsosek misses a few households (coverage 95.5 to
# 97.5 %), places movers where they lived in 2022 (3 %), and the linkage merges or splits a few. A count may be
# that much below the truth, and a little above it (a mover placed into a zone it has left).
BELOW, ABOVE = 0.12, 0.05
SLACK = 3  # households, for the small counts of a 4,000-person province


def _truth(pipeline: Pipeline, name: str) -> str:
    return f"read_parquet('{pipeline.truth / f'{name}.parquet'}')"


def _close(found: int, expected: int) -> bool:
    return expected * (1 - BELOW) - SLACK <= found <= expected * (1 + ABOVE) + SLACK


def test_every_household_that_did_not_move_is_in_exactly_its_true_zones(pipeline: Pipeline):
    placed, extra, missed, expected = pipeline.query(f"""
        with records as (
            select record_id as household_id, household_id as truth_id from {_truth(pipeline, 'record_map')}
            where source = 'regsosek_keluarga'
        ),
        placed as (
            select geotags.household_id, records.truth_id
            from places.household_geotags as geotags
            inner join records on geotags.household_id = records.household_id
            inner join {_truth(pipeline, 'households')} as truth on records.truth_id = truth.household_id
            where not truth.moved and geotags.geotag_status in ('in_zone', 'outside_zones')
        ),
        found as (
            select household_id, zone_id, layer from places.household_zones
            where household_id in (select household_id from placed)
        ),
        expected as (
            select placed.household_id, zones.zone_id, zones.layer
            from placed
            inner join {_truth(pipeline, 'household_zones')} as zones on placed.truth_id = zones.household_id
        )
        select (select count(*) from placed),
               (select count(*) from (select * from found except select * from expected)),
               (select count(*) from (select * from expected except select * from found)),
               (select count(*) from expected)
    """)[0]
    assert placed > 500 and expected > 100
    assert (extra, missed) == (0, 0)
    layers = dict(pipeline.query("select layer, count(*) from places.household_zones group by 1"))
    assert layers.keys() == {"hazard", "slum"}


def test_every_regsosek_household_has_one_geotag_status(pipeline: Pipeline):
    statuses = dict(pipeline.query("select geotag_status, count(*) from places.household_geotags group by 1"))
    households = pipeline.scalar("select count(*) from staging.stg_regsosek__households")
    assert sum(statuses.values()) == households
    assert pipeline.scalar("select count(distinct household_id) from places.household_geotags") == households
    assert set(statuses) <= {"in_zone", "outside_zones", "missing", "implausible", "unknown_village"}
    # The generator's geotags are all present and near their village: a few implausible ones at most.
    assert statuses.get("missing", 0) == 0
    assert statuses.get("implausible", 0) + statuses.get("unknown_village", 0) <= 0.02 * households
    in_zone = pipeline.scalar("select count(distinct household_id) from places.household_zones")
    assert statuses["in_zone"] == in_zone


def _true_counts(pipeline: Pipeline, layer: str, group: str) -> dict[tuple, int]:
    model = "stg_inarisk__hazard_zones" if layer == "hazard" else "stg_pupr__slum_areas"
    rows = pipeline.query(f"""
        select {group}, count(distinct truth.household_id)
        from {_truth(pipeline, 'household_zones')} as truth
        inner join staging.{model} as zones on truth.zone_id = zones.zone_id
        where truth.layer = '{layer}'
        group by all
    """)
    return {tuple(row[:-1]): row[-1] for row in rows}


def test_hazard_zone_households_match_the_truth(pipeline: Pipeline):
    truth = _true_counts(pipeline, "hazard", "zones.hazard_type, zones.hazard_class")
    assert {hazard for hazard, _ in truth} == {"flood", "landslide", "coastal_flood"}
    internal = dict(((h, c), n) for h, c, n in pipeline.query("""
        select hazard_type, hazard_class, count(distinct family_key) from intermediate.int_marts_family_zones
        where layer = 'hazard' group by all"""))
    for key, expected in truth.items():
        assert _close(internal.get(key, 0), expected), (key, internal.get(key), expected)
    published = pipeline.query("""
        select hazard_type, hazard_class, households from marts.hazard_zone_households
        where region_level = 'province'""")
    assert published and all(households is None or households == internal[(h, c)]
                             for h, c, households in published)
    # Village rows: what the polygons add; each shown village count is its families in the zones.
    villages = pipeline.query("""
        select mart.households, count(distinct zones.family_key)
        from marts.hazard_zone_households as mart
        inner join intermediate.int_marts_family_zones as zones
            on zones.village_code = mart.village_code and zones.hazard_type = mart.hazard_type
            and zones.hazard_class = mart.hazard_class and zones.layer = 'hazard'
        where mart.region_level = 'village'
        group by mart.region_code, mart.hazard_type, mart.hazard_class, mart.households
    """)
    assert villages and all(shown is None or shown == counted for shown, counted in villages)


def test_deciles_1_4_in_hazard_zones_are_near_the_true_share(pipeline: Pipeline):
    true_share = pipeline.scalar(f"""
        select avg(case when households.decile <= 4 then 1.0 else 0.0 end)
        from (select distinct household_id from {_truth(pipeline, 'household_zones')} where layer = 'hazard') as zoned
        inner join {_truth(pipeline, 'households')} as households using (household_id)
    """)
    found_share = pipeline.scalar("""
        select avg(case when reference_decile <= 4 then 1.0 else 0.0 end)
        from (select distinct family_key, reference_decile from intermediate.int_marts_family_zones
              where layer = 'hazard')
    """)
    # The reference decile is Regsosek's proxy-means ranking, not true consumption: close, not equal.
    assert abs(found_share - true_share) <= 0.1, (found_share, true_share)


def test_slum_and_coastal_flood_households_match_the_truth(pipeline: Pipeline):
    true_slum = sum(_true_counts(pipeline, "slum", "zones.province_code").values())
    found_slum = pipeline.scalar("select count(distinct family_key) from intermediate.int_marts_family_zones "
                                 "where layer = 'slum'")
    assert true_slum > 0 and _close(found_slum, true_slum), (found_slum, true_slum)
    true_coastal = sum(n for (hazard, _), n in _true_counts(
        pipeline, "hazard", "zones.hazard_type, zones.province_code").items() if hazard == "coastal_flood")
    found_coastal = pipeline.query("""
        select hazard_class, sum(coastal_households), count(*) filter (where coastal_households is null)
        from marts.coastal_flood_households_by_decile where region_level = 'province' group by 1""")
    shown = sum(total or 0 for _, total, _ in found_coastal)
    assert found_coastal and shown <= true_coastal * (1 + ABOVE) + SLACK
    for view in ("slum_households_by_decile", "coastal_flood_households_by_decile"):
        provinces, regencies = pipeline.query(f"""
            select count(*) filter (where region_level = 'province'), count(*) filter (where region_level = 'regency')
            from marts.{view}""")[0]
        assert provinces > 0 and regencies > 0, view


def test_disaster_events_are_dibi_as_delivered(pipeline: Pipeline):
    landing: Path = pipeline.truth.parent / "landing"
    (events_file,) = (landing / "dibi").glob("dibi_kejadian_bencana_*.csv")
    delivered = f"read_csv('{events_file}', header = true, all_varchar = true)"
    mismatched, rows = pipeline.query(f"""
        with delivered as (
            select jenis_bencana, year(cast(tanggal_kejadian as date)) as event_year, count(*) as events,
                   sum(cast(meninggal as integer)) as deaths, sum(cast(mengungsi as integer)) as displaced,
                   sum(cast(rumah_rusak_berat as integer)) as houses_heavily_damaged
            from {delivered} group by all
        ),
        codes as (
            select source_value, hazard_type from reference.codebook_hazard_type where registry = 'dibi'
        ),
        mart as (
            select hazard_type, event_year, events, deaths, displaced, houses_heavily_damaged
            from marts.disaster_events_by_regency where region_level = 'province' and events > 0
        )
        select count(*) filter (where mart.events is distinct from delivered.events
                                or mart.deaths is distinct from delivered.deaths
                                or mart.displaced is distinct from delivered.displaced
                                or mart.houses_heavily_damaged is distinct from delivered.houses_heavily_damaged),
               count(*)
        from delivered
        inner join codes on delivered.jenis_bencana = codes.source_value
        full join mart on mart.hazard_type = codes.hazard_type and mart.event_year = delivered.event_year
    """)[0]
    assert rows > 20 and mismatched == 0
    # Households in zones stand beside the events of their hazard: flood has both.
    assert pipeline.scalar("""select max(households_in_zones) from marts.disaster_events_by_regency
                              where region_level = 'province' and hazard_type = 'flood'""") > 0
