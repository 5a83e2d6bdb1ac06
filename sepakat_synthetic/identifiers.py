"""NIK and KK numbers built the way Dukcapil builds them, with serials unique per prefix."""

from __future__ import annotations

import numpy as np

from sepakat_synthetic.sampling import rank_within


def date_parts(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) integer arrays of datetime64 dates (Hinnant's civil-from-days: much faster than
    casting through datetime64[M] and [Y])."""
    z = np.asarray(dates, dtype="datetime64[D]").astype(np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def _numbers(
    area_codes: np.ndarray,
    dates: np.ndarray,
    day_offset: np.ndarray | int,
    rng: np.random.Generator,
    first_serial: int = 1,
) -> np.ndarray:
    """`area (6) + DDMMYY + serial (4)` as int64; serials count from `first_serial` within each 12-digit prefix."""
    year, month, day = date_parts(dates)
    prefix = (
        np.asarray(area_codes).astype(np.int64) * 1_000_000
        + (day + day_offset) * 10_000
        + month * 100
        + year % 100
    )
    serial = rank_within(prefix, rng=rng) + first_serial
    if serial.max(initial=0) > 9999:
        raise ValueError(
            "more than 9999 numbers share one prefix: the population is too dense for 4-digit serials"
        )
    return prefix * 10_000 + serial


def nik_numbers(
    district_codes: np.ndarray,
    birth_dates: np.ndarray,
    female: np.ndarray,
    rng: np.random.Generator,
    first_serial: int = 1,
) -> np.ndarray:
    """NIK: district of first registration, birth date with day + 40 for women, serial 0001-9999."""
    return _numbers(district_codes, birth_dates, np.where(female, 40, 0), rng, first_serial)


def kk_numbers(
    district_codes: np.ndarray, entry_dates: np.ndarray, rng: np.random.Generator, first_serial: int = 1
) -> np.ndarray:
    """KK number: district, date of data entry, serial from 0001."""
    return _numbers(district_codes, entry_dates, 0, rng, first_serial)
