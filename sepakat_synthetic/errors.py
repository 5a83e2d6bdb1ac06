"""Inject registry errors into records and flag each hit, so record_map says exactly what went wrong where.

Every error picks about `rate` of all records, choosing only among records where it can apply (a day/month
swap needs a day of at most 12), so the share of flagged records matches the configured rate.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sepakat_synthetic import name_noise
from sepakat_synthetic.identifiers import date_parts
from sepakat_synthetic.rates import ErrorRates
from sepakat_synthetic.sampling import pick

PERSON_FLAGS = (
    "nik_missing",
    "nik_digit_error",
    "nik_transposition",
    "name_typo",
    "name_spelling_variant",
    "name_title",
    "name_reordered",
    "birth_date_swap",
    "wrong_sex",
)
RECORD_FLAGS = ("outdated_village", "duplicate", "stale_deceased", "stale_moved")
BROKEN_FLAGS = ("broken_excel_number", "broken_date", "broken_region")
ALL_FLAGS = PERSON_FLAGS + RECORD_FLAGS + BROKEN_FLAGS


def python_random(rng: np.random.Generator) -> random.Random:
    """A stdlib generator seeded from the numpy stream: faster for per-string edits in Python loops."""
    return random.Random(int(rng.integers(0, 2**63)))


def nik_strings(nik: np.ndarray) -> np.ndarray:
    return pa.array(nik, type=pa.int64()).cast(pa.string()).to_numpy(zero_copy_only=False)


@dataclass
class PersonRecords:
    """Person fields of one registry file, as that registry holds them, with the flags of what was changed."""

    nik: np.ndarray  # object: 16-digit strings or None
    name: np.ndarray  # object
    birth_date: np.ndarray  # datetime64[D]
    female: np.ndarray  # bool
    flags: dict[str, np.ndarray] = field(default_factory=dict)


def inject_person_errors(
    nik: np.ndarray,
    name: pa.Array | np.ndarray,
    birth_date: np.ndarray,
    female: np.ndarray,
    adult: np.ndarray,
    muslim: np.ndarray,
    latest_date: np.datetime64,
    rates: ErrorRates,
    rng: np.random.Generator,
    nik_missing_rate: float | np.ndarray | None = None,
) -> PersonRecords:
    """Person fields with errors; `latest_date` bounds swapped birth dates (files hold no future dates)."""
    n = len(nik)
    records = PersonRecords(
        nik=nik_strings(nik),
        name=name.to_numpy(zero_copy_only=False) if isinstance(name, pa.Array) else name.astype(object),
        birth_date=np.asarray(birth_date, dtype="datetime64[D]").copy(),
        female=np.asarray(female, dtype=bool).copy(),
    )
    flags = records.flags
    rnd = python_random(rng)
    everyone = np.ones(n, dtype=bool)

    rate = rates.nik_missing if nik_missing_rate is None else nik_missing_rate
    if np.ndim(rate):  # per-record probabilities (e.g. newborns served before their NIK exists)
        flags["nik_missing"] = rng.random(n) < rate
    else:
        flags["nik_missing"] = pick(rng, everyone, float(rate))
    records.nik[flags["nik_missing"]] = None
    flags["nik_digit_error"] = pick(rng, ~flags["nik_missing"], rates.nik_digit)
    for i in np.flatnonzero(flags["nik_digit_error"]).tolist():
        records.nik[i] = mistype_digit(records.nik[i], rnd)
    flags["nik_transposition"] = pick(
        rng, ~flags["nik_missing"] & ~flags["nik_digit_error"], rates.nik_transposition
    )
    for i in np.flatnonzero(flags["nik_transposition"]).tolist():
        records.nik[i] = _transpose_digits(records.nik[i], rnd)

    name_arrow = name if isinstance(name, pa.Array) else pa.array(name, type=pa.string())
    spellable = pc.match_substring_regex(name_arrow, name_noise.SPELLING_PATTERN, ignore_case=True)
    flags["name_spelling_variant"] = pick(rng, spellable.to_numpy(zero_copy_only=False), rates.name_spelling)
    tokens = pc.count_substring(name_arrow, " ").to_numpy(zero_copy_only=False) + 1
    flags["name_reordered"] = pick(rng, tokens >= 2, rates.name_reorder)
    letters = pc.utf8_length(name_arrow).to_numpy(zero_copy_only=False)
    flags["name_typo"] = pick(rng, letters >= 3, rates.name_typo)
    flags["name_title"] = pick(rng, np.asarray(adult, dtype=bool), rates.name_title)
    # Spelling first: a reordered or shortened name may have lost the letters a spelling rule needs.
    for flag, change in (
        ("name_spelling_variant", name_noise.spelling_variant),
        ("name_reordered", name_noise.reorder),
        ("name_typo", name_noise.typo),
    ):
        for i in np.flatnonzero(flags[flag]).tolist():
            records.name[i] = change(records.name[i], rnd)
    for i in np.flatnonzero(flags["name_title"]).tolist():
        records.name[i] = name_noise.add_title(records.name[i], bool(records.female[i]), bool(muslim[i]), rnd)

    year, month, day = date_parts(records.birth_date)
    swapped = _make_dates(year, day, month)
    swappable = (day <= 12) & (day != month) & (swapped <= latest_date)
    flags["birth_date_swap"] = pick(rng, swappable, rates.date_swap)
    records.birth_date[flags["birth_date_swap"]] = swapped[flags["birth_date_swap"]]

    flags["wrong_sex"] = pick(rng, everyone, rates.wrong_sex)
    records.female[flags["wrong_sex"]] = ~records.female[flags["wrong_sex"]]
    return records


def _make_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Dates from parts; invalid combinations come out as the far future so they are never eligible."""
    valid = (month >= 1) & (month <= 12)
    months = ((year - 1970) * 12 + np.where(valid, month, 1) - 1).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + (day - 1)
    return np.where(valid, dates, np.datetime64("9999-12-31"))


def mistype_digit(nik: str, rnd: random.Random) -> str:
    while True:
        i = rnd.randrange(16)
        digit = str((int(nik[i]) + rnd.randrange(1, 10)) % 10)
        out = nik[:i] + digit + nik[i + 1 :]
        if not out.endswith("0000"):  # a serial of 0000 would be a structurally invalid NIK, not a typo
            return out


def _transpose_digits(nik: str, rnd: random.Random) -> str:
    positions = [i for i in range(15) if nik[i] != nik[i + 1]]
    while positions:
        i = positions.pop(rnd.randrange(len(positions)))
        out = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
        if not out.endswith("0000"):
            return out
    return mistype_digit(nik, rnd)


def outdated_villages(
    village_index: np.ndarray,
    village_regency: np.ndarray,
    rate: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(village index as recorded, flag): about `rate` of records show another village of the same regency.

    `village_regency` is the regency of every village, in village order (villages are sorted by code, so each
    regency's villages are contiguous).
    """
    flag = pick(rng, np.ones(len(village_index), dtype=bool), rate)
    recorded = village_index.copy()
    rows = np.flatnonzero(flag)
    original = village_index[rows]
    lo = np.searchsorted(village_regency, village_regency[original], side="left")
    hi = np.searchsorted(village_regency, village_regency[original], side="right")
    other = lo + (rng.random(len(rows)) * (hi - lo - 1)).astype(np.int64)
    recorded[rows] = other + (other >= original)  # skip the true village
    return recorded, flag


# ---- structurally broken rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenSpec:
    """Where a file's rows can be broken: a NIK/KK column, date columns (with format), region columns."""

    excel_column: str | None = None
    date_columns: tuple[tuple[str, str], ...] = ()
    region_columns: tuple[tuple[str, str], ...] = ()  # (column, kind of unknown code: see _unknown_region)


_IMPOSSIBLE_DAYS = ((31, 2), (30, 2), (31, 4), (31, 6), (31, 9), (31, 11))


def inject_broken_rows(
    columns: dict[str, object],
    spec: BrokenSpec,
    rate: float,
    rng: np.random.Generator,
    fallback_number: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Break about `rate` of rows in one way each (replacing the column arrays in `columns`); returns the
    three broken_* flag arrays."""
    n = len(next(iter(columns.values())))
    kinds = (
        ([("excel", spec.excel_column)] if spec.excel_column else [])
        + [("date", c) for c, _ in spec.date_columns]
        + [("region", c) for c, _ in spec.region_columns]
    )
    flags = {name: np.zeros(n, dtype=bool) for name in BROKEN_FLAGS}
    chosen = pick(rng, np.ones(n, dtype=bool), rate) if kinds else np.zeros(n, dtype=bool)
    rnd = python_random(rng)
    date_formats = dict(spec.date_columns)
    region_kinds = dict(spec.region_columns)
    changes: dict[str, dict[int, str]] = {}
    for i in np.flatnonzero(chosen).tolist():
        kind, column = kinds[rnd.randrange(len(kinds))]
        values = columns[column]
        value = values[i].as_py() if isinstance(values, pa.Array | pa.ChunkedArray) else values[i]
        if kind == "excel":
            number = value if value is not None else str(fallback_number[i])
            new = f"{float(number):.5E}"  # how Excel shows a 16-digit number: 5.30101E+15
            flags["broken_excel_number"][i] = True
        elif kind == "date":
            year = re.search(r"\d{4}", value or "")
            day, month = _IMPOSSIBLE_DAYS[rnd.randrange(len(_IMPOSSIBLE_DAYS))]
            new = _format_impossible(date_formats[column], year.group(0) if year else "1980", day, month)
            flags["broken_date"][i] = True
        else:
            new = _unknown_region(value, region_kinds[column])
            flags["broken_region"][i] = True
        changes.setdefault(column, {})[i] = new
    for column, replaced in changes.items():
        mask = np.zeros(n, dtype=bool)
        mask[list(replaced)] = True
        positions = np.flatnonzero(mask).tolist()
        array = columns[column]
        array = array if isinstance(array, pa.Array) else pa.array(array, type=pa.string())
        columns[column] = pc.replace_with_mask(
            array, pa.array(mask), pa.array([replaced[i] for i in positions], type=pa.string())
        )
    return flags


def _format_impossible(fmt: str, year: str, day: int, month: int) -> str:
    return (
        fmt.replace("%Y", year)
        .replace("%m", f"{month:02d}")
        .replace("%d", f"{day:02d}")
        .replace("%H", "08")
        .replace("%M", "30")
        .replace("%S", "00")
    )


def _unknown_region(code: str, kind: str) -> str:
    """A well-formed code of a region that does not exist: district 99 (BPS: 990) of the regency."""
    digits = code.replace(".", "")
    regency = digits[:4]
    if kind == "bps_village":
        return f"{regency}990001"
    if kind == "district":
        return f"{regency}99"
    if kind == "dotted_village":
        return f"{regency[:2]}.{regency[2:]}.99.2001"
    return f"{regency}992001"
