"""Regsosek (BPS, Oct-Nov 2022): near-full enumeration, BPS village codes, integer codebooks, PMT decile."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sepakat_synthetic import config, formats
from sepakat_synthetic.errors import BrokenSpec, PersonRecords, inject_broken_rows, outdated_villages
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.persons import age_on
from sepakat_synthetic.sampling import random_dates, rank_within
from sepakat_synthetic.world import World, record_map

COVERAGE_RURAL, COVERAGE_URBAN = 0.975, 0.955  # renters and boarders in towns are missed more often
PMT_NOISE_SD = 0.35  # proxy-means test error on log consumption
_VINTAGE = config.VINTAGES["regsosek"]
_PATH = f"regsosek/regsosek_{{}}_{_VINTAGE:%Y%m%d}.csv"
_DATE = "%Y-%m-%d"


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("regsosek")
    h, p = world.households, world.persons
    n_households = len(h)
    visit = random_dates(rng, config.REGSOSEK_START, config.REGSOSEK_END, n_households)

    # Members present at the visit: born by then and not yet dead.
    birth = p["birth_date"].to_numpy().astype("datetime64[D]")
    death = p["death_date"].to_numpy().astype("datetime64[D]")
    person_visit = visit[world.household_row]
    present = (birth <= person_visit) & (np.isnat(death) | (death > person_visit))
    listed_members = np.bincount(world.household_row[present], minlength=n_households)
    urban = h["urban"].to_numpy()
    covered = (listed_members > 0) & (
        rng.random(n_households) < np.where(urban, COVERAGE_URBAN, COVERAGE_RURAL)
    )
    rows = np.flatnonzero(covered)

    # Movers were still at their previous village in 2022: correct then, stale now.
    moved = h["moved"].to_numpy()[rows]
    village = np.where(
        moved, h["previous_village_index"].to_numpy()[rows], h["village_index"].to_numpy()[rows]
    )
    village, outdated = outdated_villages(village, world.village_regency, world.rates.outdated_village, rng)
    regency = h["regency_code"].to_numpy()[rows]
    serial = rank_within(regency, rng=rng) + 1
    family_number = regency * 100_000_000 + serial
    family_id = formats.join("RS", formats.digits(family_number))
    pmt = np.exp(
        np.log(h["consumption_per_capita"].to_numpy()[rows]) + rng.normal(0.0, PMT_NOISE_SD, len(rows))
    )
    latitude = np.where(moved, h["previous_latitude"].to_numpy()[rows], h["latitude"].to_numpy()[rows])
    longitude = np.where(moved, h["previous_longitude"].to_numpy()[rows], h["longitude"].to_numpy()[rows])

    family_columns = {
        "id_keluarga": family_id,
        "no_kk": formats.digits(h["kk"].to_numpy()[rows]),
        "kode_wilayah_bps": formats.lookup(world.place["village_bps_code"].tolist(), village),
        "alamat": world.address(rows, "regsosek"),
        "rt": formats.digits(h["rt"].to_numpy()[rows], 3),
        "rw": formats.digits(h["rw"].to_numpy()[rows], 3),
        "latitude": latitude,
        "longitude": longitude,
        "jumlah_art": listed_members[rows],
        "desil": config.national_decile(pmt),
        "persentil": config.national_percentile(pmt),
        "luas_lantai": h["floor_area_m2"].to_numpy()[rows],
        "atap": h["roof"].to_numpy()[rows],
        "dinding": h["wall"].to_numpy()[rows],
        "lantai": h["floor"].to_numpy()[rows],
        "air_minum": h["drinking_water"].to_numpy()[rows],
        "fasilitas_bab": h["sanitation"].to_numpy()[rows],
        "penerangan": h["lighting"].to_numpy()[rows],
        "bahan_bakar": h["cooking_fuel"].to_numpy()[rows],
        "status_rumah": h["tenure"].to_numpy()[rows],
        "tanggal_pendataan": formats.dates(visit[rows], _DATE),
    }
    broken = inject_broken_rows(
        family_columns,
        BrokenSpec("no_kk", (("tanggal_pendataan", _DATE),), (("kode_wilayah_bps", "bps_village"),)),
        world.rates.broken_row,
        rng,
    )
    household_id = h["household_id"].to_numpy()[rows]
    families = SourceFile(
        "regsosek_keluarga",
        _PATH.format("keluarga"),
        table(family_columns),
        record_map=record_map(
            "regsosek_keluarga",
            family_id,
            household_id,
            None,
            {"outdated_village": outdated, "stale_moved": moved, **broken},
        ),
    )

    # Members, numbered within their family in household order.
    family_of_household = np.full(n_households, -1, dtype=np.int64)
    family_of_household[rows] = np.arange(len(rows))
    members = np.flatnonzero(present & covered[world.household_row])
    family = family_of_household[world.household_row[members]]
    member_no = rank_within(family, members) + 1
    member_id = formats.join("RS", formats.digits(family_number[family] * 100 + member_no))
    family_of_member = family_id.take(pa.array(family))
    records = world.person_errors(members, visit[world.household_row[members]], np.datetime64(_VINTAGE), rng)
    member_columns = _member_columns(world, members, member_id, family_of_member, records, visit)
    broken = inject_broken_rows(
        member_columns,
        BrokenSpec("nik", (("tanggal_lahir", _DATE),)),
        world.rates.broken_row,
        rng,
        fallback_number=p["nik"].to_numpy()[members],
    )
    individuals = SourceFile(
        "regsosek_individu",
        _PATH.format("individu"),
        table(member_columns),
        record_map=record_map(
            "regsosek_individu",
            member_id,
            p["household_id"].to_numpy()[members],
            p["person_id"].to_numpy()[members],
            {**records.flags, **broken},
        ),
    )
    return [families, individuals]


def _member_columns(
    world: World,
    members: np.ndarray,
    member_id: pa.Array,
    family_id: pa.Array,
    records: PersonRecords,
    visit: np.ndarray,
) -> dict[str, object]:
    p = world.persons
    household_visit = visit[world.household_row[members]]
    age_then = age_on(p["birth_date"].to_numpy()[members], household_visit)
    worker = age_then >= 15
    working = p["working"].to_numpy()[members] & worker
    female = records.female
    pregnant = _pregnant_at_visit(world, members, visit)
    can_be_pregnant = p["female"].to_numpy()[members] & (age_then >= 10) & (age_then <= 54)
    return {
        "id_art": member_id,
        "id_keluarga": family_id,
        "nik": records.nik,
        "nama": formats.upper(records.name),
        "jenis_kelamin": np.where(female, 2, 1),
        "tanggal_lahir": formats.dates(records.birth_date, _DATE),
        "hubungan_kk": p["relationship"].to_numpy()[members],
        "status_kawin": p["marital_status"].to_numpy()[members],
        "pendidikan": p["education"].to_numpy()[members],
        "status_sekolah": p["school_status"].to_numpy()[members],
        "status_bekerja": pa.array(p["work_status"].to_numpy()[members], mask=~worker),
        "lapangan_usaha": pa.array(p["sector"].to_numpy()[members], mask=~working),
        "status_pekerjaan": pa.array(p["employment_status"].to_numpy()[members], mask=~working),
        "sulit_melihat": p["wg_seeing"].to_numpy()[members],
        "sulit_mendengar": p["wg_hearing"].to_numpy()[members],
        "sulit_berjalan": p["wg_walking"].to_numpy()[members],
        "sulit_mengingat": p["wg_remembering"].to_numpy()[members],
        "sulit_mengurus_diri": p["wg_self_care"].to_numpy()[members],
        "sulit_berkomunikasi": p["wg_communicating"].to_numpy()[members],
        "hamil": pa.array(np.where(pregnant, 1, 2), mask=~can_be_pregnant),
    }


def _pregnant_at_visit(world: World, members: np.ndarray, visit: np.ndarray) -> np.ndarray:
    """Pregnant at the visit = mother of a child born within about nine months after her household's visit."""
    p = world.persons
    births = p["birth_date"].to_numpy().astype("datetime64[D]")
    mothers = p["mother_person_id"].to_numpy(dtype=np.int64, na_value=0)
    gap = (births - visit[world.household_row]).astype(np.int64)
    expecting = (mothers > 0) & (gap > 0) & (gap <= 270)
    pregnant = np.zeros(len(p) + 1, dtype=bool)
    pregnant[mothers[expecting]] = True
    return pregnant[p["person_id"].to_numpy()[members]]
