"""Zone polygons as the agencies export them (INARISK hazard zones with a coastal-flood layer, designated slum
areas) and BNPB's DIBI disaster events, with each household's true zones.

Every zone is made of axis-aligned rectangles in WGS84 lon/lat: a rectangle, a rectangle with a rectangular hole,
or two disjoint rectangles (a multipolygon). Whether a household lies inside is then plain arithmetic on its
coordinates, so the truth needs no geometry library and tests the pipeline's point-in-polygon join independently.
Geotags carry six decimals; every edge sits half a millionth of a degree off that grid, so no geotag lies on a
boundary and the boundary rule of the join cannot change the truth.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from sepakat_synthetic import formats, inarisk
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.world import World

# (hazard as INARISK names it, share of eligible villages with a zone of it, coastal villages only)
ZONE_HAZARDS = (("BANJIR", 0.35, False), ("TANAH LONGSOR", 0.30, False), ("BANJIR ROB", 0.55, True))
HAZARD_CLASSES = ("RENDAH", "SEDANG", "TINGGI")
SLUM_LEVELS = ("RINGAN", "SEDANG", "BERAT")  # kumuh ringan/sedang/berat (PUPR Regulation 14/2018)
SLUM_SHARE = 0.8  # of towns' wards (kelurahan) with households, a designated slum area
_SHAPES = ("rectangle", "with_hole", "two_parts")
_SHAPE_SHARES = (0.7, 0.15, 0.15)
_HALF_STEP = 5e-7  # half the geotags' last decimal: edges never meet a six-decimal coordinate
# DIBI disaster types with events per regency and year, and mean deaths, displaced persons and damaged houses.
DIBI_TYPES = (
    ("BANJIR", 1.2, 0.2, 150.0, 30.0),
    ("TANAH LONGSOR", 0.8, 0.4, 20.0, 8.0),
    ("CUACA EKSTRIM", 1.5, 0.1, 10.0, 25.0),
    ("KEKERINGAN", 0.6, 0.0, 0.0, 0.0),
    ("GEMPA BUMI", 0.2, 0.8, 80.0, 60.0),
    ("GELOMBANG PASANG / ABRASI", 0.4, 0.1, 30.0, 12.0),
)
DIBI_YEARS = range(2015, 2025)
_ZONES_VINTAGE = date(2024, 1, 1)
_SLUM_VINTAGE = date(2024, 6, 30)
_DIBI_VINTAGE = date(2025, 1, 31)


def _edge(values: np.ndarray) -> np.ndarray:
    return np.round(values, 6) + _HALF_STEP


def _rectangles(rng: np.random.Generator, lon: np.ndarray, lat: np.ndarray, half: np.ndarray) -> np.ndarray:
    """One rectangle per centre, (n, 4) as west, south, east, north, roughly `half` degrees each side."""
    width = half * rng.uniform(0.6, 1.6, len(lon))
    height = half * rng.uniform(0.6, 1.6, len(lon))
    return np.column_stack([_edge(lon - width), _edge(lat - height), _edge(lon + width), _edge(lat + height)])


def _ring(box: np.ndarray) -> str:
    west, south, east, north = (f"{value:.7f}" for value in box)
    return f"({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south})"


def _wkt(shape: str, outer: np.ndarray, inner: np.ndarray) -> str:
    if shape == "with_hole":
        return f"POLYGON ({_ring(outer)}, {_ring(inner)})"
    if shape == "two_parts":
        return f"MULTIPOLYGON (({_ring(outer)}), ({_ring(inner)}))"
    return f"POLYGON ({_ring(outer)})"


def _second_parts(shape: np.ndarray, outer: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The hole (inside the outer ring) or the second part (east of it, not touching) of each zone."""
    west, south, east, north = outer.T
    width, height = east - west, north - south
    hole = np.column_stack([
        _edge(west + width * 0.3), _edge(south + height * 0.3), _edge(west + width * 0.6), _edge(south + height * 0.6)
    ])
    gap = width * rng.uniform(0.2, 0.6, len(outer))
    part = np.column_stack([_edge(east + gap), south, _edge(east + gap + width * 0.5), _edge(south + height * 0.7)])
    return np.where((shape == 1)[:, None], hole, part)


def _zones(rng: np.random.Generator, lon: np.ndarray, lat: np.ndarray, half: np.ndarray) -> pd.DataFrame:
    n = len(lon)
    shape = rng.choice(len(_SHAPES), size=n, p=_SHAPE_SHARES)
    outer = _rectangles(rng, lon, lat, half)
    inner = _second_parts(shape, outer, rng)
    return pd.DataFrame({
        "shape": shape,
        "outer": list(outer),
        "inner": list(inner),
        "wkt": [_wkt(_SHAPES[s], o, i) for s, o, i in zip(shape.tolist(), outer, inner, strict=True)],
    })


def _inside(box: np.ndarray, order: np.ndarray, lon_sorted: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Rows (of the unsorted points) strictly inside the rectangle `box`."""
    start, stop = np.searchsorted(lon_sorted, [box[0], box[2]])
    rows = order[start:stop]
    return rows[(lat[rows] > box[1]) & (lat[rows] < box[3])]


def true_members(zones: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> list[np.ndarray]:
    """The points inside each zone, by arithmetic: in the outer rectangle and not in the hole, or in either part."""
    order = np.argsort(lon, kind="stable")
    lon_sorted = lon[order]
    members = []
    for shape, outer, inner in zip(zones["shape"].tolist(), zones["outer"], zones["inner"], strict=True):
        rows = _inside(outer, order, lon_sorted, lat)
        if _SHAPES[shape] == "with_hole":
            rows = np.setdiff1d(rows, _inside(inner, order, lon_sorted, lat))
        elif _SHAPES[shape] == "two_parts":
            rows = np.union1d(rows, _inside(inner, order, lon_sorted, lat))
        members.append(np.sort(rows))
    return members


def _village_spread(world: World) -> pd.DataFrame:
    """Villages with households: their centroid and how far their geotags stray (households.py's jitter)."""
    h = world.households
    index = np.unique(h["village_index"].to_numpy())
    place = world.place.iloc[index]
    urban = place["is_kelurahan"].to_numpy()
    return pd.DataFrame({
        "village_index": index,
        "village_code": place["village_code"].to_numpy(),
        "regency_code": place["regency_code"].to_numpy(),
        "urban": urban,
        "longitude": place["longitude"].to_numpy(),
        "latitude": place["latitude"].to_numpy(),
        "jitter": np.where(urban, 0.004, 0.012),
    })


def _coastal(world: World) -> np.ndarray:
    """The villages inarisk.py made coastal: its first draws, replayed on a fresh copy of its stream (its own
    stream is untouched, so its file does not change)."""
    return world.streams.rng("inarisk").random(len(world.place)) < inarisk.COASTAL_SHARE


def hazard_zones(world: World, rng: np.random.Generator) -> pd.DataFrame:
    villages = _village_spread(world)
    coastal = _coastal(world)[villages["village_index"].to_numpy()]
    frames = []
    for hazard, share, coastal_only in ZONE_HAZARDS:
        chosen = (rng.random(len(villages)) < share) & (coastal if coastal_only else True)
        rows = villages[chosen]
        jitter = rows["jitter"].to_numpy()
        lon = rows["longitude"].to_numpy() + rng.normal(0.0, 1.0, len(rows)) * jitter
        lat = rows["latitude"].to_numpy() + rng.normal(0.0, 1.0, len(rows)) * jitter
        zones = _zones(rng, lon, lat, jitter)
        zones["hazard"] = hazard
        zones["hazard_class"] = np.array(HAZARD_CLASSES)[rng.choice(3, size=len(rows), p=(0.3, 0.4, 0.3))]
        zones["regency_code"] = rows["regency_code"].to_numpy()
        frames.append(zones)
    zones = pd.concat(frames, ignore_index=True)
    zones["zone_id"] = [f"ZB-{world.province}-{i:06d}" for i in range(1, len(zones) + 1)]
    return zones


def slum_areas(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Around a poor household (deciles 1-4) of some towns' wards: slums are where the poor live."""
    h = world.households
    villages = _village_spread(world)
    towns = villages[villages["urban"].to_numpy() & (rng.random(len(villages)) < SLUM_SHARE)]
    poor = h[h["decile"].to_numpy() <= 4]
    first_poor = poor.groupby("village_index")[["longitude", "latitude"]].first()
    towns = towns[towns["village_index"].isin(first_poor.index)]
    centre = first_poor.loc[towns["village_index"].to_numpy()]
    jitter = towns["jitter"].to_numpy()
    zones = _zones(rng, centre["longitude"].to_numpy(), centre["latitude"].to_numpy(), jitter * 1.2)
    zones["slum_level"] = np.array(SLUM_LEVELS)[rng.choice(3, size=len(towns), p=(0.5, 0.35, 0.15))]
    zones["regency_code"] = towns["regency_code"].to_numpy()
    zones["area_ha"] = np.round(rng.uniform(2.0, 40.0, len(towns)), 2)
    zones["zone_id"] = [f"KK-{world.province}-{i:05d}" for i in range(1, len(zones) + 1)]
    return zones


def disaster_events(world: World, rng: np.random.Generator) -> pd.DataFrame:
    place = world.place
    regencies = sorted(place["regency_code"].unique())
    rows = []
    for regency in regencies:
        districts = sorted(place.loc[place["regency_code"] == regency, "district_code"].unique())
        for year in DIBI_YEARS:
            for hazard, rate, deaths, displaced, houses in DIBI_TYPES:
                for _ in range(int(rng.poisson(rate))):
                    day = np.datetime64(f"{year}-01-01") + int(rng.integers(0, 365))
                    rows.append({
                        "regency_code": regency,
                        "district_code": districts[rng.integers(0, len(districts))] if rng.random() < 0.7 else None,
                        "date": day,
                        "hazard": hazard,
                        "deaths": int(rng.poisson(deaths)),
                        "missing": int(rng.poisson(deaths * 0.2)),
                        "injured": int(rng.poisson(deaths * 2.0)),
                        "displaced": int(rng.poisson(displaced)),
                        "houses_heavy": int(rng.poisson(houses * 0.2)),
                        "houses_moderate": int(rng.poisson(houses * 0.3)),
                        "houses_light": int(rng.poisson(houses * 0.5)),
                    })
    events = pd.DataFrame(rows).sort_values(["date", "regency_code", "hazard"], kind="stable", ignore_index=True)
    events["event_id"] = [f"{code}-{i:05d}" for i, code in enumerate(events["regency_code"], start=1)]
    return events


def zone_truth(world: World, hazards: pd.DataFrame, slums: pd.DataFrame) -> pa.Table:
    """(household_id, zone_id, layer) for every household inside a zone at its true (current) geotag."""
    h = world.households
    lon, lat = h["longitude"].to_numpy(), h["latitude"].to_numpy()
    ids = h["household_id"].to_numpy()
    household, zone, layer = [], [], []
    for name, zones in (("hazard", hazards), ("slum", slums)):
        for zone_id, rows in zip(zones["zone_id"], true_members(zones, lon, lat), strict=True):
            household.append(ids[rows])
            zone.extend([zone_id] * len(rows))
            layer.extend([name] * len(rows))
    return pa.table({
        "household_id": pa.array(np.concatenate(household) if household else np.zeros(0, np.int64)),
        "zone_id": pa.array(zone, type=pa.string()),
        "layer": pa.array(layer, type=pa.string()),
    })


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("places")
    hazards = hazard_zones(world, rng)
    slums = slum_areas(world, rng)
    events = disaster_events(world, rng)
    world.outcomes["zone_truth"] = zone_truth(world, hazards, slums)
    district = events["district_code"]
    zone_columns = {
        "id_zona": hazards["zone_id"].to_numpy(dtype=object),
        "jenis_bahaya": hazards["hazard"].to_numpy(dtype=object),
        "kelas_bahaya": hazards["hazard_class"].to_numpy(dtype=object),
        "kode_kabupaten": hazards["regency_code"].to_numpy(dtype=object),
        "geometri": hazards["wkt"].to_numpy(dtype=object),
    }
    slum_columns = {
        "id_kawasan": slums["zone_id"].to_numpy(dtype=object),
        "kode_kabupaten": slums["regency_code"].to_numpy(dtype=object),
        "tingkat_kekumuhan": slums["slum_level"].to_numpy(dtype=object),
        "luas_ha": slums["area_ha"].to_numpy(),
        "geometri": slums["wkt"].to_numpy(dtype=object),
    }
    event_columns = {
        "id_kejadian": events["event_id"].to_numpy(dtype=object),
        "tanggal_kejadian": formats.dates(events["date"].to_numpy(dtype="datetime64[D]"), "%Y-%m-%d"),
        "kode_kabupaten": events["regency_code"].to_numpy(dtype=object),
        "kode_kecamatan": pa.array(district.tolist(), type=pa.string(), from_pandas=True),
        "jenis_bencana": events["hazard"].to_numpy(dtype=object),
        "meninggal": events["deaths"].to_numpy(),
        "hilang": events["missing"].to_numpy(),
        "terluka": events["injured"].to_numpy(),
        "mengungsi": events["displaced"].to_numpy(),
        "rumah_rusak_berat": events["houses_heavy"].to_numpy(),
        "rumah_rusak_sedang": events["houses_moderate"].to_numpy(),
        "rumah_rusak_ringan": events["houses_light"].to_numpy(),
    }
    return [
        SourceFile("inarisk_zona_bahaya", f"inarisk/inarisk_zona_bahaya_{_ZONES_VINTAGE:%Y%m%d}.csv",
                   table(zone_columns)),
        SourceFile("kawasan_kumuh", f"pupr/kawasan_kumuh_{_SLUM_VINTAGE:%Y%m%d}.csv", table(slum_columns)),
        SourceFile("dibi_kejadian", f"dibi/dibi_kejadian_bencana_{_DIBI_VINTAGE:%Y%m%d}.csv",
                   table(event_columns)),
    ]
