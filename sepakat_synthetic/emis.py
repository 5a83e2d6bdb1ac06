"""EMIS (Ministry of Religious Affairs, Kemenag, August 2025): pupils of madrasah (MI, MTs, MA), which Dapodik does
not hold. Its own export: semicolon-separated, Indonesian headers, day-first dates, the madrasah's NSM and the
level (jenjang) instead of a school form."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sepakat_synthetic import config, formats
from sepakat_synthetic.errors import BrokenSpec, inject_broken_rows
from sepakat_synthetic.identifiers import date_parts
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.persons import SMA, SMP
from sepakat_synthetic.world import World, record_map

IN_EMIS = 0.97  # madrasah pupils the operators keyed in before the cut-off
PUPILS_PER_MADRASAH = 180
_VINTAGE = config.VINTAGES["emis"]
ACADEMIC_YEAR = f"{_VINTAGE.year}/{_VINTAGE.year + 1}"
_DATE = "%d-%m-%Y"
_HEADERS = (
    "NISN",
    "NIK",
    "Nama Siswa",
    "L/P",
    "Tgl Lahir",
    "NSM",
    "Nama Madrasah",
    "Jenjang",
    "Kelas",
    "Kode Kecamatan",
    "Tahun Pelajaran",
)


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("emis")
    p = world.persons
    listed = p["madrasah"].to_numpy() & p["alive"].to_numpy() & (rng.random(len(p)) < IN_EMIS)
    pupils = np.flatnonzero(listed)
    level = p["school_type"].to_numpy()[pupils]
    jenjang = np.select([level == SMP, level == SMA], ["MTs", "MA"], default="MI").astype(object)
    district = p["district_code"].to_numpy()[pupils]

    keys, first, count = _madrasah_groups(district * 10 + np.select([level == SMP, level == SMA], [2, 3], 1))
    group = np.searchsorted(keys, district * 10 + np.select([level == SMP, level == SMA], [2, 3], 1))
    madrasah = first[group] + (rng.random(len(pupils)) * count[group]).astype(np.int64)
    total = int(count.sum())
    nsm = formats.digits(111_253_000_000 + rng.choice(1_000_000, size=total, replace=False), 12)
    names = np.array([f"{kind} NURUL HUDA {k + 1}" for kind, k in _madrasah_names(keys, count)], dtype=object)

    birth_year = date_parts(p["birth_date"].to_numpy()[pupils])[0]
    serial = rng.choice(10_000_000, size=len(pupils), replace=False)
    nisn = formats.digits((birth_year % 1000) * 10_000_000 + serial, 10)
    records = world.person_errors(pupils, np.datetime64(_VINTAGE), np.datetime64(_VINTAGE), rng)
    columns = {
        "nisn": nisn,
        "nik": records.nik,
        "nama_siswa": formats.upper(records.name),
        "l_p": formats.choose(records.female, "P", "L"),
        "tgl_lahir": formats.dates(records.birth_date, _DATE),
        "nsm": nsm.take(pa.array(madrasah)),
        "nama_madrasah": formats.text(names).take(pa.array(madrasah)),
        "jenjang": formats.text(jenjang),
        "kelas": p["grade"].to_numpy()[pupils],
        "kode_kecamatan": formats.digits(district),
        "tahun_pelajaran": pa.repeat(pa.scalar(ACADEMIC_YEAR), len(pupils)),
    }
    broken = inject_broken_rows(
        columns,
        BrokenSpec("nik", (("tgl_lahir", _DATE),), (("kode_kecamatan", "district"),)),
        world.rates.broken_row,
        rng,
        fallback_number=p["nik"].to_numpy()[pupils],
    )
    return [
        SourceFile(
            "emis_siswa",
            f"emis/emis_siswa_{_VINTAGE:%Y%m%d}.csv",
            table(columns),
            headers=_HEADERS,
            delimiter=";",
            record_map=record_map(
                "emis_siswa",
                nisn,
                p["household_id"].to_numpy()[pupils],
                p["person_id"].to_numpy()[pupils],
                {**records.flags, **broken},
            ),
        )
    ]


def _madrasah_groups(keys_per_pupil: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Madrasah of each (district, level), enough for their pupils: keys, first madrasah index, count."""
    keys, pupils = np.unique(keys_per_pupil, return_counts=True)
    count = np.maximum(1, np.round(pupils / PUPILS_PER_MADRASAH)).astype(np.int64)
    return keys, np.cumsum(count) - count, count


def _madrasah_names(keys: np.ndarray, count: np.ndarray):
    for key, n in zip(keys, count, strict=True):
        kind = ("MI", "MTs", "MA")[int(key % 10) - 1]
        for k in range(int(n)):
            yield kind, k
