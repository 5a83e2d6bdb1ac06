"""Dapodik (Ministry of Education, August 2025): pupils of schools, early-childhood centres, special
schools (SLB) and equivalency centres (PKBM). Madrasah pupils are registered in Kemenag's EMIS instead
(emis.py), so they do not appear."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sepakat_synthetic import config, formats
from sepakat_synthetic.errors import BrokenSpec, inject_broken_rows
from sepakat_synthetic.identifiers import date_parts
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.persons import SCHOOL_TYPES, SMA, SMK
from sepakat_synthetic.world import World, record_map

IN_DAPODIK = 0.98
PUPILS_PER_SCHOOL = {"KB": 25, "TK": 40, "SD": 150, "SMP": 300, "SMA": 400, "SMK": 350, "SLB": 60, "PKBM": 80}
SENIOR_IN_TOWN = 0.2  # senior secondary pupils often board in the regency capital
_VINTAGE = config.VINTAGES["dapodik"]
SEMESTER = f"{_VINTAGE.year}{1 if _VINTAGE.month >= 7 else 2}"  # the odd semester starts in July
_DATE = "%Y-%m-%d"
_NEEDS = np.array(
    [
        "A - Tuna Netra",
        "B - Tuna Rungu",
        "D - Tuna Daksa Ringan",
        "C - Tuna Grahita Ringan",
        "D1 - Tuna Daksa Sedang",
        "F - Tuna Wicara",
    ],
    dtype=object,
)
_KINDERGARTEN_NAMES = (
    "TUNAS HARAPAN",
    "KARTIKA",
    "PERTIWI",
    "ST. MARIA",
    "BUDI MULIA",
    "KASIH",
    "MELATI",
    "BINTANG TIMUR",
    "TUNAS BANGSA",
    "CAHAYA",
)
_FAITH_SCHOOLS = {
    "SD": ("SDK", "SD GMIT", "SD INPRES"),
    "SMP": ("SMPK", "SMP KRISTEN"),
    "SMA": ("SMAK", "SMA KRISTEN"),
}
_SAINTS = (
    "ST. YOSEF",
    "ST. YOHANES",
    "ST. FRANSISKUS",
    "ST. MARIA",
    "ST. PAULUS",
    "ST. THERESIA",
    "ST. ANTONIUS",
)


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("dapodik")
    p = world.persons
    listed = (
        p["enrolled"].to_numpy()
        & p["alive"].to_numpy()
        & ~p["madrasah"].to_numpy()
        & (rng.random(len(p)) < IN_DAPODIK)
    )
    pupils = np.flatnonzero(listed)
    school_type = p["school_type"].to_numpy()[pupils]
    district = p["district_code"].to_numpy()[pupils]
    senior = np.isin(school_type, [SMA, SMK]) & (rng.random(len(pupils)) < SENIOR_IN_TOWN)
    # Senior schools cluster in the regency's first district (its capital's, as the hand-tuned provinces number it).
    capital = world.place.groupby("regency_code")["district_code"].min().astype(np.int64)
    regency = p["regency_code"].to_numpy()[pupils]
    district = np.where(senior, capital.reindex(regency.astype(str)).to_numpy(), district)

    schools = _schools(world, district, school_type, rng)
    school = schools.assign(district, school_type, rng)

    birth_year = date_parts(p["birth_date"].to_numpy()[pupils])[0]
    serial = rng.choice(10_000_000, size=len(pupils), replace=False)
    nisn = formats.digits((birth_year % 1000) * 10_000_000 + serial, 10)
    records = world.person_errors(pupils, np.datetime64(_VINTAGE), np.datetime64(_VINTAGE), rng)
    columns = {
        "nisn": nisn,
        "nik": records.nik,
        "nama": formats.upper(records.name),
        "jenis_kelamin": formats.choose(records.female, "P", "L"),
        "tanggal_lahir": formats.dates(records.birth_date, _DATE),
        "npsn": schools.npsn.take(pa.array(school)),
        "nama_sekolah": formats.text(schools.name).take(pa.array(school)),
        "bentuk_pendidikan": formats.lookup(SCHOOL_TYPES, school_type),
        "tingkat_pendidikan": p["grade"].to_numpy()[pupils],
        "kebutuhan_khusus": _special_needs(world, pupils),
        "kode_wilayah": formats.digits(district),
        "semester_id": pa.repeat(pa.scalar(SEMESTER), len(pupils)),
    }
    broken = inject_broken_rows(
        columns,
        BrokenSpec("nik", (("tanggal_lahir", _DATE),), (("kode_wilayah", "district"),)),
        world.rates.broken_row,
        rng,
        fallback_number=p["nik"].to_numpy()[pupils],
    )
    return [
        SourceFile(
            "dapodik_peserta_didik",
            f"dapodik/dapodik_peserta_didik_{_VINTAGE:%Y%m%d}.csv",
            table(columns),
            force_quote=True,  # Dapodik exports quote every field
            record_map=record_map(
                "dapodik_peserta_didik",
                nisn,
                p["household_id"].to_numpy()[pupils],
                p["person_id"].to_numpy()[pupils],
                {**records.flags, **broken},
            ),
        )
    ]


class _Schools:
    """Schools of each (district, kind), enough for their pupils, with NPSN and a plausible name."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray, npsn: np.ndarray, names: np.ndarray) -> None:
        self.keys, self.counts = keys, counts
        self.first = np.cumsum(counts) - counts
        self.npsn, self.name = npsn, names

    def assign(self, district: np.ndarray, school_type: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        group = np.searchsorted(self.keys, district * 100 + school_type)
        return self.first[group] + (rng.random(len(district)) * self.counts[group]).astype(np.int64)


def _schools(
    world: World, district: np.ndarray, school_type: np.ndarray, rng: np.random.Generator
) -> _Schools:
    keys, pupils = np.unique(district * 100 + school_type, return_counts=True)
    kinds = [SCHOOL_TYPES[k % 100] for k in keys]
    counts = np.array(
        [max(1, round(n / PUPILS_PER_SCHOOL[kind])) for n, kind in zip(pupils, kinds, strict=True)],
        dtype=np.int64,
    )
    total = int(counts.sum())
    npsn = formats.digits(50_000_000 + rng.choice(10_000_000, size=total, replace=False), 8)
    district_names = dict(
        zip(world.place["district_code"].astype(np.int64), world.place["district_name"], strict=False)
    )
    names = np.empty(total, dtype=object)
    i = 0
    for key, kind, count in zip(keys, kinds, counts, strict=True):
        town = district_names[int(key // 100)].upper()
        for k in range(count):
            names[i] = _school_name(kind, k, town, rng)
            i += 1
    return _Schools(keys, counts, npsn, names)


def _school_name(kind: str, k: int, town: str, rng: np.random.Generator) -> str:
    if kind in ("KB", "TK", "PKBM"):
        return f"{kind} {_KINDERGARTEN_NAMES[int(rng.integers(len(_KINDERGARTEN_NAMES)))]} {town}"
    if kind == "SLB":
        return f"SLB NEGERI {town}" if k == 0 else f"SLB {_SAINTS[k % len(_SAINTS)]} {town}"
    if kind in _FAITH_SCHOOLS and rng.random() < 0.3:
        prefix = _FAITH_SCHOOLS[kind][int(rng.integers(len(_FAITH_SCHOOLS[kind])))]
        suffix = _SAINTS[int(rng.integers(len(_SAINTS)))] if prefix.endswith("K") else f"{k + 1} {town}"
        return f"{prefix} {suffix}"
    return f"{kind} NEGERI {k + 1} {town}"


def _special_needs(world: World, rows: np.ndarray) -> pa.Array:
    p = world.persons
    domains = np.column_stack(
        [
            p[f"wg_{d}"].to_numpy()[rows]
            for d in ("seeing", "hearing", "walking", "remembering", "self_care", "communicating")
        ]
    )
    label = np.where((domains >= 3).sum(axis=1) >= 2, "G - Tuna Ganda", _NEEDS[np.argmax(domains, axis=1)])
    return formats.text(np.where(p["disability"].to_numpy()[rows], label, "Tidak ada").astype(object))
