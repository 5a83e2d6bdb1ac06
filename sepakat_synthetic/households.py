"""Ground-truth households: where they live, how many they are, how well off, and their housing."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from sepakat_synthetic import config
from sepakat_synthetic.identifiers import kk_numbers
from sepakat_synthetic.names import MARGA_POOLS, RELIGIONS
from sepakat_synthetic.regions import PROVINCES, villages
from sepakat_synthetic.sampling import choice_per_group, ordered_categories, random_dates
from sepakat_synthetic.streams import Streams

ROMAN = ("I", "II", "III", "IV", "V", "VI")
# fmt: off
STREETS = (
    "Jl. Timor Raya", "Jl. El Tari", "Jl. Frans Seda", "Jl. Adisucipto", "Jl. Cak Doko", "Jl. Sudirman",
    "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Gatot Subroto", "Jl. Soekarno", "Jl. Piet A. Tallo",
    "Jl. Herman Yohanes", "Jl. Nangka", "Jl. Kelapa", "Jl. Mawar", "Jl. Melati", "Jl. Nani Wartabone",
    "Jl. Sultan Botutihe", "Jl. Pattimura", "Jl. Kartini",
)
# fmt: on

# Housing categories from worst to best with approximate NTT shares (Susenas/Regsosek orders of magnitude).
_HOUSING = {
    "roof": ([7, 6, 5, 8, 3, 4, 2, 1], [0.07, 0.01, 0.02, 0.01, 0.82, 0.03, 0.03, 0.01]),
    "wall": ([7, 6, 4, 5, 3, 2, 1], [0.02, 0.10, 0.10, 0.06, 0.14, 0.08, 0.50]),
    "floor": ([8, 7, 9, 5, 6, 4, 2, 3, 1], [0.22, 0.02, 0.01, 0.04, 0.50, 0.05, 0.15, 0.005, 0.005]),
    "drinking_water": (
        [9, 8, 6, 10, 11, 7, 5, 4, 3, 2, 1],
        [0.06, 0.08, 0.07, 0.03, 0.01, 0.15, 0.15, 0.08, 0.17, 0.15, 0.05],
    ),
    "sanitation": ([6, 5, 4, 3, 2, 1], [0.12, 0.01, 0.03, 0.04, 0.12, 0.68]),
    "lighting": ([4, 3, 2, 1], [0.08, 0.10, 0.12, 0.70]),
    "cooking_fuel": ([7, 8, 6, 4, 5, 3, 2, 1], [0.62, 0.01, 0.01, 0.10, 0.002, 0.004, 0.234, 0.02]),
}
_TENURE_CODES = np.array([1, 2, 3, 4, 5], dtype=np.int16)
_TENURE_RURAL = np.array([0.88, 0.02, 0.08, 0.01, 0.01])
_TENURE_URBAN = np.array([0.66, 0.22, 0.08, 0.03, 0.01])


def household_sizes(persons: int, rng: np.random.Generator) -> np.ndarray:
    """Sizes that add up to exactly `persons`."""
    weights = config.HOUSEHOLD_SIZE_WEIGHTS / config.HOUSEHOLD_SIZE_WEIGHTS.sum()
    draws = int(persons / config.MEAN_HOUSEHOLD_SIZE * 1.2) + 16
    sizes = rng.choice(np.arange(1, len(weights) + 1), size=draws, p=weights)
    while sizes.sum() < persons:
        sizes = np.concatenate([sizes, rng.choice(np.arange(1, len(weights) + 1), size=draws, p=weights)])
    total = np.cumsum(sizes)
    count = int(np.searchsorted(total, persons)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= total[count - 1] - persons
    return sizes.astype(np.int64)


def build_households(province: str, persons: int, streams: Streams) -> pd.DataFrame:
    rng = streams.rng("households")
    place = villages(province)
    regencies = PROVINCES[province].regencies
    sizes = household_sizes(persons, rng)
    n = len(sizes)

    # Villages weighted by their regency's population, with some villages much bigger than others.
    regency_pop = np.array([r.population_k for r in regencies], dtype=float)
    per_regency = np.bincount(place["regency_index"], minlength=len(regencies))
    weight = regency_pop[place["regency_index"]] / per_regency[place["regency_index"]]
    weight = weight * rng.lognormal(0.0, 0.5, len(place))
    village = np.sort(np.searchsorted(np.cumsum(weight) / weight.sum(), rng.random(n), side="right"))
    village = np.minimum(village, len(place) - 1)
    regency = place["regency_index"].to_numpy()[village]
    urban = place["is_kelurahan"].to_numpy()[village]

    # Some households moved since Regsosek; they lived in `previous` before (mostly within the same regency).
    moved = rng.random(n) < config.MOVED_SHARE
    same_regency = rng.random(n) < 0.7
    previous = np.full(n, -1, dtype=np.int64)
    candidates = rng.integers(0, len(place), n)
    for r in np.unique(regency[moved & same_regency]):
        pool = np.flatnonzero(place["regency_index"].to_numpy() == r)
        rows = np.flatnonzero(moved & same_regency & (regency == r))
        candidates[rows] = pool[rng.integers(0, len(pool), len(rows))]
    previous[moved] = candidates[moved]
    clash = moved & (previous == village)
    previous[clash] = (village[clash] + 1) % len(place)
    move_date = np.where(
        moved, random_dates(rng, config.MOVES_START, config.REFERENCE_DATE - 15, n), np.datetime64("NaT")
    )

    # Name culture (religion, marga pool) by regency mix.
    culture_table = np.zeros((len(regencies), max(len(r.cultures) for r in regencies)))
    for i, r in enumerate(regencies):
        culture_table[i, : len(r.cultures)] = [w for _, _, w in r.cultures]
    culture = choice_per_group(rng, regency, culture_table)
    religion = np.zeros(n, dtype=np.int8)
    marga_pool = np.zeros(n, dtype=np.int8)
    for i, r in enumerate(regencies):
        for j, (rel, pool, _) in enumerate(r.cultures):
            rows = (regency == i) & (culture == j)
            religion[rows] = RELIGIONS.index(rel)
            marga_pool[rows] = MARGA_POOLS.index(pool)

    # Latent welfare: each regency's mean is set so that its share below the poverty line matches its rate.
    sd = config.REGIONAL_LOG_SD
    regency_mean = np.array(
        [np.log(config.POVERTY_LINE) - sd * NormalDist().inv_cdf(r.poverty_pct / 100) for r in regencies]
    )
    village_effect = rng.normal(0.0, sd * np.sqrt(config.VILLAGE_SHARE), len(place))
    log_consumption = (
        regency_mean[regency]
        + village_effect[village]
        + 0.12 * urban
        + rng.normal(0.0, sd * np.sqrt(1 - config.VILLAGE_SHARE), n)
        - 0.05 * (sizes - config.MEAN_HOUSEHOLD_SIZE)
    )
    consumption = np.round(np.exp(log_consumption), -2)
    welfare_z = (log_consumption - config.NATIONAL_LOG_MEAN) / config.NATIONAL_LOG_SD

    village_codes = place["village_code"].to_numpy().astype(np.int64)
    frame = pd.DataFrame(
        {
            "household_id": np.arange(1, n + 1, dtype=np.int64),
            "village_index": village,
            "village_code": village_codes[village],
            "district_code": village_codes[village] // 10_000,
            "regency_code": village_codes[village] // 1_000_000,
            "regency_index": regency,
            "urban": urban,
            "moved": moved,
            "move_date": move_date.astype("datetime64[s]"),
            "previous_village_index": previous,
            "previous_village_code": np.where(moved, village_codes[np.maximum(previous, 0)], 0),
            "size": sizes,
            "religion": religion,
            "marga_pool_index": marga_pool,
            "consumption_per_capita": consumption,
            "welfare_z": welfare_z,
            "decile": config.national_decile(consumption),
            "percentile": config.national_percentile(consumption),
        }
    )
    frame["poor"] = consumption < config.POVERTY_LINE
    frame["extreme_poor"] = consumption < config.EXTREME_POVERTY_LINE
    frame["eligible_decile_1_4"] = frame["decile"] <= 4

    for name, (codes, shares) in _HOUSING.items():
        score = welfare_z + 1.0 * urban + rng.normal(0.0, 1.0, n)
        frame[name] = ordered_categories(score, codes, shares)
    frame["tenure"] = _TENURE_CODES[
        choice_per_group(rng, urban.astype(np.int64), np.vstack([_TENURE_RURAL, _TENURE_URBAN]))
    ]
    area = np.exp(np.log(32) + 0.22 * welfare_z + 0.06 * (sizes - 4) + rng.normal(0.0, 0.3, n))
    frame["floor_area_m2"] = np.clip(np.round(area * 2) / 2, 6, 400)

    _add_location_details(frame, place, rng)
    kk_district = np.where(moved, village_codes[np.maximum(previous, 0)] // 10_000, frame["district_code"])
    kk_date = random_dates(rng, config.KK_ISSUED_START, config.KK_ISSUED_END, n)
    frame["kk"] = kk_numbers(kk_district, kk_date, rng)
    frame["kk_issue_date"] = kk_date.astype("datetime64[s]")
    return frame


def _add_location_details(frame: pd.DataFrame, place: pd.DataFrame, rng: np.random.Generator) -> None:
    """Geotags near the village centroid (now and before a move) and a plausible street address."""
    n = len(frame)
    urban = frame["urban"].to_numpy()
    jitter = np.where(urban, 0.004, 0.012)
    for prefix, index in (
        ("", frame["village_index"].to_numpy()),
        ("previous_", np.maximum(frame["previous_village_index"].to_numpy(), 0)),
    ):
        lat = place["latitude"].to_numpy()[index] + rng.normal(0.0, 1.0, n) * jitter
        lon = place["longitude"].to_numpy()[index] + rng.normal(0.0, 1.0, n) * jitter
        frame[f"{prefix}latitude"] = np.round(lat, 6)
        frame[f"{prefix}longitude"] = np.round(lon, 6)
    frame.loc[~frame["moved"], ["previous_latitude", "previous_longitude"]] = np.nan
    frame["rt"] = rng.integers(1, 21, n).astype(np.int16)
    frame["rw"] = rng.integers(1, 9, n).astype(np.int16)
    # Street and house number in towns (kelurahan), a hamlet (dusun) in villages.
    frame["dusun"] = rng.integers(1, len(ROMAN) + 1, n).astype(np.int8)
    frame["street"] = np.where(urban, rng.integers(0, len(STREETS), n), -1).astype(np.int8)
    frame["house_no"] = rng.integers(1, 200, n).astype(np.int16)
