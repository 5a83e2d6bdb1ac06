"""Village forum (Musdes/Muskel) and village information system (SID) proposals to correct the registries.

They report only part of what really happened (some deaths and moves), propose graduating better-off DTKS
households and adding poor ones DTKS misses, and ask to correct records DTKS holds wrongly.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sepakat_synthetic import config, formats
from sepakat_synthetic.errors import (
    BrokenSpec,
    inject_broken_rows,
    mistype_digit,
    nik_strings,
    python_random,
)
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.sampling import pick, random_dates
from sepakat_synthetic.world import World, record_map

DEATHS_REPORTED = 0.35
MOVES_REPORTED = 0.40
GRADUATION_PROPOSED = 0.08  # DTKS households truly in deciles 7-10
INCLUSION_PROPOSED = 0.10  # poor households (deciles 1-3) missing from DTKS
CORRECTION_PROPOSED = 0.05  # persons DTKS holds with a wrong name, NIK or birth date
_VINTAGE = config.VINTAGES["musdes"]
_SOURCES = ("MUSDES", "MUSDES", "MUSDES", "SID", "SID", "MUSKEL")  # drawn with these frequencies
_DATE = "%Y-%m-%d"


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("musdes")
    p, h = world.persons, world.households
    start, end = config.MUSDES_START, config.MUSDES_END
    death = p["death_date"].to_numpy().astype("datetime64[D]")
    move = h["move_date"].to_numpy().astype("datetime64[D]")
    heads = np.flatnonzero(p["member_no"].to_numpy() == 1)  # the head is the first member of each household
    covered = world.outcomes.get("dtks_covered", np.zeros(len(h), dtype=bool))
    decile = h["decile"].to_numpy()

    died = np.flatnonzero(~np.isnat(death) & (death >= start) & (rng.random(len(p)) < DEATHS_REPORTED))
    moved = np.flatnonzero(~np.isnat(move) & (move >= start) & (rng.random(len(h)) < MOVES_REPORTED))
    graduate = np.flatnonzero(covered & (decile >= 7) & (rng.random(len(h)) < GRADUATION_PROPOSED))
    include = np.flatnonzero(~covered & (decile <= 3) & (rng.random(len(h)) < INCLUSION_PROPOSED))
    wrongly_held = (
        world.outcomes.get("dtks_wrong_person", np.zeros(len(p), dtype=bool)) & p["alive"].to_numpy()
    )
    correct = np.flatnonzero(wrongly_held & (rng.random(len(p)) < CORRECTION_PROPOSED))

    kinds = ("MENINGGAL", "PINDAH", "KELUAR_MAMPU", "MASUK_BARU", "PERBAIKAN_DATA")
    person = np.concatenate([died, heads[moved], heads[graduate], heads[include], correct])
    kind = np.repeat(
        np.arange(len(kinds)), [len(died), len(moved), len(graduate), len(include), len(correct)]
    )
    household_row = world.household_row[person]
    event = np.concatenate(
        [
            death[died],
            move[moved],
            np.full(len(graduate) + len(include) + len(correct), np.datetime64("NaT"), dtype="datetime64[D]"),
        ]
    )
    n = len(person)
    first_forum = np.where(np.isnat(event), random_dates(rng, start, end, n), event + 14)
    forum = random_dates(rng, first_forum, np.maximum(first_forum, first_forum + 180), n)
    keep = forum <= end
    person, kind, household_row, event, forum = (a[keep] for a in (person, kind, household_row, event, forum))
    order = np.lexsort((person, forum))
    person, kind, household_row, event, forum = (
        a[order] for a in (person, kind, household_row, event, forum)
    )
    n = len(person)

    is_move = kind == 1
    origin = np.where(
        is_move,
        h["previous_village_index"].to_numpy()[household_row],
        h["village_index"].to_numpy()[household_row],
    )
    destination = pc.if_else(
        pa.array(is_move),
        world.village_code(h["village_index"].to_numpy()[household_row]),
        pa.nulls(len(is_move), pa.string()),
    )
    nik = nik_strings(p["nik"].to_numpy()[person])
    flags = {"nik_missing": pick(rng, np.ones(n, dtype=bool), world.rates.nik_missing)}
    nik[flags["nik_missing"]] = None
    flags["nik_digit_error"] = pick(rng, ~flags["nik_missing"], world.rates.nik_digit)
    rnd = python_random(rng)
    for i in np.flatnonzero(flags["nik_digit_error"]):
        nik[i] = mistype_digit(nik[i], rnd)
    event_known = ~np.isnat(event) & (rng.random(n) < 0.9)
    record_id = formats.join(f"USL-{world.province}-", formats.digits(np.arange(1, n + 1), 7))
    columns = {
        "id_usulan": record_id,
        "nik": nik,
        "jenis_usulan": formats.lookup(kinds, kind),
        "tanggal_peristiwa": formats.dates(np.where(event_known, event, np.datetime64("NaT")), _DATE),
        "tanggal_musdes": formats.dates(forum, _DATE),
        "kode_desa": world.village_code(origin),
        "kode_desa_tujuan": destination,
        "sumber": formats.lookup(_SOURCES, rng.integers(0, len(_SOURCES), n)),
        "keterangan": _notes(kind, world, household_row),
    }
    broken = inject_broken_rows(
        columns,
        BrokenSpec("nik", (("tanggal_musdes", _DATE),), (("kode_desa", "village"),)),
        world.rates.broken_row,
        rng,
        fallback_number=p["nik"].to_numpy()[person],
    )
    return [
        SourceFile(
            "musdes_usulan",
            f"musdes/usulan_musdes_{_VINTAGE:%Y%m%d}.jsonl",
            table(columns),
            delimiter=None,
            record_map=record_map(
                "musdes_usulan",
                record_id,
                p["household_id"].to_numpy()[person],
                p["person_id"].to_numpy()[person],
                {**flags, **broken},
            ),
        )
    ]


def _notes(kind: np.ndarray, world: World, household_row: np.ndarray) -> pa.Array:
    notes = (
        "Laporan kepala dusun",
        "",
        "Sudah mampu, usul dikeluarkan dari DTKS",
        "Keluarga miskin belum terdaftar DTKS",
        "Perbaikan data nama/tanggal lahir",
    )
    size = world.households["size"].to_numpy()[household_row]
    moving = formats.join("Pindah sekeluarga (", formats.digits(size), " jiwa)")
    return pc.if_else(pa.array(kind == 1), moving, formats.lookup(notes, kind))
