"""Fixed dates and population parameters of the synthetic world (not run options: they define realism)."""

from __future__ import annotations

from datetime import date
from statistics import NormalDist

import numpy as np

# "Today" for the ground truth: ages, alive/deceased and eligibility are as of this date.
REFERENCE_DATE = np.datetime64("2025-06-30", "D")

# When each registry looked at the population (the file's vintage is in its name, see landing.py).
REGSOSEK_START, REGSOSEK_END = np.datetime64("2022-10-15", "D"), np.datetime64("2022-11-30", "D")
P3KE_AS_OF = np.datetime64("2021-06-30", "D")  # BKKBN family data collection (PK21)
DTKS_UPDATE_START, DTKS_UPDATE_END = np.datetime64("2020-01-01", "D"), np.datetime64("2025-05-31", "D")
DTKS_VINTAGE = np.datetime64("2025-06-30", "D")
HEALTH_START, HEALTH_END = np.datetime64("2025-01-01", "D"), np.datetime64("2025-06-30", "D")
MUSDES_START, MUSDES_END = np.datetime64("2023-01-01", "D"), np.datetime64("2025-06-30", "D")
DEATHS_START = np.datetime64("2021-01-01", "D")  # the truth holds persons who died since then
MOVES_START = np.datetime64("2022-12-01", "D")  # households that moved since Regsosek
KK_ISSUED_START, KK_ISSUED_END = np.datetime64("2008-01-01", "D"), np.datetime64("2021-03-31", "D")

VINTAGES = {
    "regsosek": date(2022, 11, 30),
    "p3ke": date(2022, 9, 15),
    "dtks": date(2025, 6, 30),
    "dapodik": date(2025, 8, 1),
    "emis": date(2025, 8, 1),
    "kesehatan": date(2025, 6, 30),
    "sipd": date(2025, 12, 31),
    "inarisk": date(2024, 1, 1),
    "musdes": date(2025, 6, 30),
}

# Welfare: national log per-capita consumption is normal; its mean is set so that 8.47 % fall below the
# March 2025 poverty line (BPS). Fixed national decile cut-offs turn a household's consumption into a decile.
POVERTY_LINE = 609_160.0
EXTREME_POVERTY_LINE = 322_170.0
NATIONAL_POVERTY_RATE = 0.0847
NATIONAL_LOG_SD = 0.60
NATIONAL_LOG_MEAN = float(
    np.log(POVERTY_LINE) - NATIONAL_LOG_SD * NormalDist().inv_cdf(NATIONAL_POVERTY_RATE)
)
NATIONAL_DECILE_CUTOFFS = np.exp(
    NATIONAL_LOG_MEAN + NATIONAL_LOG_SD * np.array([NormalDist().inv_cdf(k / 10) for k in range(1, 10)])
)
# DTSEN also ranks by percentile 1-100; every tenth percentile cut-off is a decile cut-off (k / 100 = 10k / 100 in
# floating point), so a percentile p always lies in decile ceil(p / 10).
NATIONAL_PERCENTILE_CUTOFFS = np.exp(
    NATIONAL_LOG_MEAN + NATIONAL_LOG_SD * np.array([NormalDist().inv_cdf(k / 100) for k in range(1, 100)])
)
REGIONAL_LOG_SD = 0.55  # within a regency households vary a little less than nationally
VILLAGE_SHARE = 0.15  # share of the within-regency variance that is between villages

MEAN_HOUSEHOLD_SIZE = 4.2
# Household sizes 1..12 (NTT is a little larger than the national 3.8)
HOUSEHOLD_SIZE_WEIGHTS = np.array([8, 13, 17, 19, 16, 11, 7, 4, 2.5, 1.3, 0.7, 0.5])
MOVED_SHARE = 0.03


def national_decile(consumption_per_capita: np.ndarray) -> np.ndarray:
    """National welfare decile 1-10 of a per-capita consumption (or of a proxy for it)."""
    return (np.searchsorted(NATIONAL_DECILE_CUTOFFS, consumption_per_capita, side="right") + 1).astype(
        np.int8
    )


def national_percentile(consumption_per_capita: np.ndarray) -> np.ndarray:
    """National welfare percentile 1-100 of a per-capita consumption (or of a proxy for it)."""
    return (np.searchsorted(NATIONAL_PERCENTILE_CUTOFFS, consumption_per_capita, side="right") + 1).astype(
        np.int8
    )

# National sample (generate_national): people who moved between provinces, and namesakes across provinces.
# Share of households whose members were registered (NIK) in another province of the sample before they moved
# here: larger in cities, which draw most inter-provincial migrants (BPS lifetime migration is about 10 %, but
# only people registered before they moved keep an old province's NIK).
INTERPROVINCE_MOVER_SHARE_CITY = 0.08
INTERPROVINCE_MOVER_SHARE_REGENCY = 0.025
INTERPROVINCE_MOVE_START = np.datetime64("2008-01-01", "D")  # when movers left their origin province
INTERPROVINCE_MOVE_END = np.datetime64("2021-12-31", "D")  # before Regsosek listed them in the new one
# Origin province weight: population / (1 + (distance / NEIGHBOUR_DISTANCE_DEG)^2) over the sample's other
# provinces, so neighbours come first and big provinces (Java) next.
NEIGHBOUR_DISTANCE_DEG = 3.0
# A mover's NIK and old KK take serials from MOVER_SERIAL_BASE + MOVER_SERIAL_BLOCK x (residence province's
# position among the 38) + 1: never a serial the origin province's own population or another province's
# movers use (a province's own serials stay far below 5000; ranks within one block must stay below 100).
MOVER_SERIAL_BASE = 5000
MOVER_SERIAL_BLOCK = 100
STALE_DTKS_ID_OFFSET = 800_000_000  # stale records' DTKS household numbers within their regency
NAMESAKE_SHARE = 0.001  # persons per province whose name and birth date another province's person takes
NAMESAKE_SERIAL_BASE = 9001  # a namesake's new NIK (its birth date changed): above every mover's serial block
