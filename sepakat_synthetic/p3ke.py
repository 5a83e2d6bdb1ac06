"""P3KE (Kemenko PMK, from the BKKBN 2021 family data): the poorest 40 % of each regency, deciles 1-4.

Families are ranked within their regency on P3KE's own noisy score, so in a poor regency its "Desil 1" is much
poorer than in a city. NIKs were matched to Dukcapil after collection, so more are missing.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sepakat_synthetic import codebooks, config, formats
from sepakat_synthetic.errors import BrokenSpec, inject_broken_rows, outdated_villages
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.persons import age_on
from sepakat_synthetic.regions import PROVINCES
from sepakat_synthetic.sampling import rank_within
from sepakat_synthetic.world import World, record_map

SHARE_RANKED_POOR = 0.40
COLLECTED = 0.92  # BKKBN reached most but not all families
RANKING_NOISE_SD = 0.40
_VINTAGE = config.VINTAGES["p3ke"]
_DATE = "%d/%m/%Y"
FAMILY_HEADERS = (
    "ID Keluarga P3KE",
    "No KK",
    "Provinsi",
    "Kabupaten/Kota",
    "Kecamatan",
    "Desa/Kelurahan",
    "Kode Desa",
    "Alamat",
    "Desil Kesejahteraan",
    "Jenis Atap",
    "Jenis Dinding",
    "Jenis Lantai",
    "Sumber Air Minum",
    "Fasilitas BAB",
    "Penerima BPNT",
    "Penerima PKH",
)
MEMBER_HEADERS = (
    "ID Individu",
    "ID Keluarga P3KE",
    "NIK",
    "Nama",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "Hubungan dengan Kepala Keluarga",
    "Pendidikan",
    "Pekerjaan",
    "Status Disabilitas",
)
# Occupation label by Regsosek sector code (index = code)
_OCCUPATION_BY_SECTOR = np.array(
    [
        "Belum/Tidak Bekerja",
        "Petani/Pekebun",
        "Petani/Pekebun",
        "Petani/Pekebun",
        "Nelayan/Perikanan",
        "Peternak",
        "Petani/Pekebun",
        "Buruh Harian Lepas",
        "Karyawan Swasta",
        "Karyawan Swasta",
        "Buruh Harian Lepas",
        "Pedagang",
        "Wiraswasta",
        "Sopir/Transportasi",
        "Karyawan Swasta",
        "Karyawan Swasta",
        "Guru",
        "Tenaga Kesehatan",
        "PNS/TNI/Polri",
    ],
    dtype=object,
)


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("p3ke")
    h, p = world.households, world.persons
    n_households = len(h)
    as_of = config.P3KE_AS_OF
    birth = p["birth_date"].to_numpy().astype("datetime64[D]")
    death = p["death_date"].to_numpy().astype("datetime64[D]")
    present = (birth <= as_of) & (np.isnat(death) | (death > as_of))
    members_present = np.bincount(world.household_row[present], minlength=n_households)

    candidates = np.flatnonzero(members_present > 0)
    regency = h["regency_code"].to_numpy()[candidates]
    score = np.log(h["consumption_per_capita"].to_numpy()[candidates]) + rng.normal(
        0, RANKING_NOISE_SD, len(candidates)
    )
    group = np.unique(regency, return_inverse=True)[1]
    percentile = rank_within(group, score) / np.bincount(group)[group]
    chosen = (percentile < SHARE_RANKED_POOR) & (rng.random(len(candidates)) < COLLECTED)
    rows = candidates[chosen]
    decile = (np.floor(percentile[chosen] * 10) + 1).astype(np.int64)

    moved = h["moved"].to_numpy()[rows]  # all moves happened after collection
    village = np.where(
        moved, h["previous_village_index"].to_numpy()[rows], h["village_index"].to_numpy()[rows]
    )
    village, outdated = outdated_villages(village, world.village_regency, world.rates.outdated_village, rng)
    serial = rng.permutation(len(rows)) + 1
    family_id = formats.join(f"P3KE-{world.province}-", formats.digits(serial, 8))
    place = world.place
    regency_names = {
        r.code: r.name if r.is_city else f"Kabupaten {r.name}" for r in PROVINCES[world.province].regencies
    }
    dtks_bpnt = world.outcomes.get("dtks_bpnt", np.zeros(n_households, dtype=bool))[rows]
    dtks_pkh = world.outcomes.get("dtks_pkh", np.zeros(n_households, dtype=bool))[rows]
    f_cols = {
        "id_keluarga_p3ke": family_id,
        "no_kk": formats.digits(h["kk"].to_numpy()[rows]),
        "provinsi": pa.repeat(pa.scalar(PROVINCES[world.province].name), len(rows)),
        "kabupaten_kota": formats.lookup([regency_names[c] for c in place["regency_code"]], village),
        "kecamatan": formats.lookup(place["district_name"].tolist(), village),
        "desa_kelurahan": formats.lookup(place["village_name"].tolist(), village),
        "kode_desa": _dotted(world.village_code(village)),
        "alamat": world.address(rows, "p3ke"),
        "desil_kesejahteraan": formats.join("Desil ", formats.digits(decile)),
        "jenis_atap": codebooks.labels(codebooks.P3KE_ATAP, h["roof"].to_numpy()[rows]),
        "jenis_dinding": codebooks.labels(codebooks.P3KE_DINDING, h["wall"].to_numpy()[rows]),
        "jenis_lantai": codebooks.labels(codebooks.P3KE_LANTAI, h["floor"].to_numpy()[rows]),
        "sumber_air_minum": codebooks.labels(codebooks.P3KE_AIR, h["drinking_water"].to_numpy()[rows]),
        "fasilitas_bab": codebooks.labels(codebooks.P3KE_BAB, h["sanitation"].to_numpy()[rows]),
        "penerima_bpnt": formats.choose(dtks_bpnt, "Ya", "Tidak"),
        "penerima_pkh": formats.choose(dtks_pkh, "Ya", "Tidak"),
    }
    broken = inject_broken_rows(
        f_cols,
        BrokenSpec("no_kk", (), (("kode_desa", "dotted_village"),)),
        world.rates.broken_row,
        rng,
    )
    families = SourceFile(
        "p3ke_keluarga",
        f"p3ke/P3KE_KELUARGA_{_VINTAGE:%Y%m%d}.txt",
        table(f_cols),
        FAMILY_HEADERS,
        "|",
        record_map=record_map(
            "p3ke_keluarga",
            family_id,
            h["household_id"].to_numpy()[rows],
            None,
            {"outdated_village": outdated, "stale_moved": moved, **broken},
        ),
    )

    family_of_household = np.full(n_households, -1, dtype=np.int64)
    family_of_household[rows] = np.arange(len(rows))
    members = np.flatnonzero(present & (family_of_household[world.household_row] >= 0))
    family = family_of_household[world.household_row[members]]
    member_no = rank_within(family, members) + 1
    family_of_member = family_id.take(pa.array(family))
    member_id = formats.join(family_of_member, "-", formats.digits(member_no, 2))
    records = world.person_errors(
        members, as_of, np.datetime64(_VINTAGE), rng, nik_missing_rate=world.rates.nik_missing_p3ke
    )
    m_cols = {
        "id_individu": member_id,
        "id_keluarga_p3ke": family_of_member,
        "nik": records.nik,
        "nama": formats.upper(records.name),
        "jenis_kelamin": codebooks.labels(codebooks.P3KE_JENIS_KELAMIN, np.where(records.female, 2, 1)),
        "tanggal_lahir": formats.dates(records.birth_date, _DATE),
        "hubungan_dengan_kepala_keluarga": codebooks.labels(
            codebooks.P3KE_HUBUNGAN, p["relationship"].to_numpy()[members]
        ),
        "pendidikan": codebooks.labels(codebooks.P3KE_PENDIDIKAN, p["education"].to_numpy()[members]),
        "pekerjaan": _occupations(world, members, as_of),
        "status_disabilitas": _disability_labels(world, members),
    }
    broken = inject_broken_rows(
        m_cols,
        BrokenSpec("nik", (("tanggal_lahir", _DATE),)),
        world.rates.broken_row,
        rng,
        fallback_number=p["nik"].to_numpy()[members],
    )
    individuals = SourceFile(
        "p3ke_individu",
        f"p3ke/P3KE_INDIVIDU_{_VINTAGE:%Y%m%d}.txt",
        table(m_cols),
        MEMBER_HEADERS,
        "|",
        record_map=record_map(
            "p3ke_individu",
            member_id,
            p["household_id"].to_numpy()[members],
            p["person_id"].to_numpy()[members],
            {**records.flags, **broken},
        ),
    )
    return [families, individuals]


def _dotted(codes: pa.Array) -> pa.Array:
    """53.71.03.1001 from 5371031001."""
    parts = [pc.utf8_slice_codeunits(codes, a, b) for a, b in ((0, 2), (2, 4), (4, 6), (6, 10))]
    return pc.binary_join_element_wise(*parts, ".")


def _occupations(world: World, rows: np.ndarray, as_of: np.datetime64) -> pa.Array:
    p = world.persons
    age = age_on(p["birth_date"].to_numpy()[rows], as_of)
    working = p["working"].to_numpy()[rows] & (age >= 15)
    label = _OCCUPATION_BY_SECTOR[p["sector"].to_numpy()[rows]]
    idle = np.where(
        p["enrolled"].to_numpy()[rows] | ((age >= 5) & (age < 15)),
        "Pelajar/Mahasiswa",
        np.where(p["female"].to_numpy()[rows] & (age >= 18), "Mengurus Rumah Tangga", "Belum/Tidak Bekerja"),
    )
    return formats.text(np.where(working, label, idle).astype(object))


def _disability_labels(world: World, rows: np.ndarray) -> pa.Array:
    """Disability type in the categories of UU 8/2016 from the Washington Group domains."""
    p = world.persons
    domains = np.column_stack(
        [
            p[f"wg_{d}"].to_numpy()[rows] >= 3
            for d in ("seeing", "hearing", "walking", "remembering", "self_care", "communicating")
        ]
    )
    kinds = np.array(
        [
            "Disabilitas Sensorik",
            "Disabilitas Sensorik",
            "Disabilitas Fisik",
            "Disabilitas Intelektual",
            "Disabilitas Fisik",
            "Disabilitas Sensorik",
        ],
        dtype=object,
    )
    label = np.where(domains.sum(axis=1) >= 2, "Disabilitas Ganda", kinds[np.argmax(domains, axis=1)])
    return formats.text(np.where(domains.any(axis=1), label, "Tidak Ada").astype(object))
