"""People who moved between provinces of a national sample: their NIKs from the old province, and the stale DTKS
record the old province still holds for them.

A mover household lives in its new (residence) province's world: Regsosek, P3KE and the sector sources there
list it as usual. Its members registered before the move keep the NIK of their first registration, a real
district of the origin province (`ref_national_regions`, current decree). The origin province's DTKS still holds
the household as it was before the move, with the usual person errors, so some stale NIKs are corrupted and only
name and birth date can link them. Draws come from streams of their own (`national.*`), so a province's own
population is the same with or without movers, apart from the movers' NIKs.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa

from sepakat_synthetic import codebooks, config, formats
from sepakat_synthetic.dtks import BPNT_QUOTA, PBI_BY_DECILE, RANKING_NOISE_SD, WG_DOMAINS, disability_labels
from sepakat_synthetic.errors import inject_person_errors
from sepakat_synthetic.households import ROMAN
from sepakat_synthetic.identifiers import kk_numbers, nik_numbers
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.names import RELIGIONS
from sepakat_synthetic.persons import age_on
from sepakat_synthetic.province_profiles import PROFILES
from sepakat_synthetic.regions import PROVINCES, current_decree
from sepakat_synthetic.sampling import random_dates
from sepakat_synthetic.streams import Streams
from sepakat_synthetic.truth import with_national_ids
from sepakat_synthetic.world import World, record_map

_HOUSEHOLD_FIELDS = (
    "consumption_per_capita",
    "roof",
    "wall",
    "floor",
    "floor_area_m2",
    "drinking_water",
    "sanitation",
    "lighting",
)
_MUSLIM = RELIGIONS.index("muslim")


def origin_weights(residence: str, sample: list[str]) -> tuple[list[str], np.ndarray]:
    """The other provinces of the sample and the chance that a mover into `residence` came from each."""
    others = [code for code in sample if code != residence]
    home = PROFILES[residence]
    weight = np.array(
        [
            PROFILES[code].population_k
            / (1 + (np.hypot(PROFILES[code].latitude - home.latitude, PROFILES[code].longitude - home.longitude)
                    / config.NEIGHBOUR_DISTANCE_DEG) ** 2)
            for code in others
        ]
    )
    return others, weight / weight.sum() if len(others) else weight


def serial_base(residence: str) -> int:
    """First serial of the NIKs and old KKs of movers into `residence` (see config.MOVER_SERIAL_BASE)."""
    return config.MOVER_SERIAL_BASE + config.MOVER_SERIAL_BLOCK * sorted(PROFILES).index(residence) + 1


@cache
def _origin_districts(province: str) -> np.ndarray:
    decree = current_decree()
    rows = decree[(decree["province_code"] == province) & (decree["level"] == "district")]
    return np.sort(rows["region_code"].to_numpy().astype(np.int64))


def plant_in_movers(
    province: str, sample: list[str], households: pd.DataFrame, people: pd.DataFrame, streams: Streams
) -> pd.DataFrame:
    """Choose the households that moved in from another province of the sample and give the members registered
    before the move an origin NIK (changes `people` in place). Returns one row per mover person: who they are and
    everything the origin province's stale DTKS record needs (empty when the sample has no other province)."""
    others, weights = origin_weights(province, sample)
    if not others:
        return pd.DataFrame()
    rng = streams.rng("national.movers")
    n = len(households)
    city = np.array([r.is_city for r in PROVINCES[province].regencies])[households["regency_index"].to_numpy()]
    share = np.where(city, config.INTERPROVINCE_MOVER_SHARE_CITY, config.INTERPROVINCE_MOVER_SHARE_REGENCY)
    moving = rng.random(n) < share
    origin = np.array(others)[rng.choice(len(others), size=n, p=weights)]
    move_date = random_dates(rng, config.INTERPROVINCE_MOVE_START, config.INTERPROVINCE_MOVE_END, n)

    household_row = people["household_id"].to_numpy() - 1
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    rows = np.flatnonzero(moving[household_row] & (birth < move_date[household_row]))
    if not len(rows):
        return pd.DataFrame()
    mover_origin = origin[household_row[rows]]
    district = np.zeros(len(rows), dtype=np.int64)
    for code in np.unique(mover_origin):
        pool = _origin_districts(str(code))
        at = mover_origin == code
        district[at] = pool[rng.integers(0, len(pool), int(at.sum()))]
    first = serial_base(province)
    nik = nik_numbers(district, birth[rows], people["female"].to_numpy()[rows], rng, first_serial=first)
    if (nik % 10_000 - first).max(initial=0) >= config.MOVER_SERIAL_BLOCK:
        raise ValueError("more movers share one NIK prefix than their serial block holds")
    niks = people["nik"].to_numpy().copy()
    districts = people["nik_district_code"].to_numpy().copy()
    niks[rows], districts[rows] = nik, district
    people["nik"], people["nik_district_code"] = niks, districts

    # The household's old KK: issued in the origin district of its first member who moved, before the move.
    mover_household = household_row[rows]
    first_member = np.r_[True, mover_household[1:] != mover_household[:-1]]
    kk_date = random_dates(rng, config.KK_ISSUED_START, move_date[mover_household[first_member]] - 1,
                           int(first_member.sum()))
    old_kk = kk_numbers(district[first_member], kk_date, rng, first_serial=first)
    h = households.iloc[mover_household]
    p = people.iloc[rows]
    frame = pd.DataFrame(
        {
            "national_person_id": [f"{province}-{i}" for i in p["person_id"]],
            "national_household_id": [f"{province}-{i}" for i in p["household_id"]],
            "residence_province": province,
            "origin_province": mover_origin.astype(object),
            "person_id": p["person_id"].to_numpy(),
            "household_id": p["household_id"].to_numpy(),
            "nik": nik,
            "nik_district_code": district,
            "old_kk": np.repeat(old_kk, np.diff(np.r_[np.flatnonzero(first_member), len(rows)])),
            "move_date": move_date[mover_household],
            "name": p["name"].to_numpy(dtype=object),
            "female": p["female"].to_numpy(),
            "birth_date": birth[rows],
            "death_date": p["death_date"].to_numpy().astype("datetime64[D]"),
            "relationship": p["relationship"].to_numpy(),
            "muslim": h["religion"].to_numpy() == _MUSLIM,
            **{f"wg_{d}": p[f"wg_{d}"].to_numpy() for d in WG_DOMAINS},
            **{name: h[name].to_numpy() for name in _HOUSEHOLD_FIELDS},
        }
    )
    return frame


def stale_dtks_records(world: World, emigrants: pd.DataFrame, files: list[SourceFile]) -> list[SourceFile]:
    """DTKS files of the origin province with a stale household record (and its members) appended for each mover
    household that left it. Their record_map rows carry the movers' national ids; their person_id and household_id
    lie above the province's own (persons known here only by this record), so a province's linkage evaluation
    counts each as one person of its own."""
    rng = world.streams.rng("national.stale_dtks")
    emigrants = emigrants.sort_values(["residence_province", "household_id", "person_id"], kind="stable")
    household_key = emigrants["national_household_id"].to_numpy()
    first_member = np.r_[True, household_key[1:] != household_key[:-1]]
    member_household = np.cumsum(first_member) - 1
    heads = emigrants[first_member]
    n_households, n_members = len(heads), len(emigrants)

    place = world.place
    village = np.empty(n_households, dtype=np.int64)
    district_of_village = place["district_code"].to_numpy().astype(np.int64)
    for i, district in enumerate(heads["nik_district_code"].to_numpy()):
        pool = np.flatnonzero(district_of_village == district)  # the origin's synthetic districts may differ
        village[i] = pool[rng.integers(len(pool))] if len(pool) else rng.integers(len(place))
    regency = place["regency_code"].to_numpy().astype(np.int64)[village]
    serial = pd.Series(regency).groupby(regency).cumcount().to_numpy() + 1
    household_number = regency * 1_000_000_000 + config.STALE_DTKS_ID_OFFSET + serial
    dtks_id = formats.digits(household_number)
    move_date = heads["move_date"].to_numpy().astype("datetime64[D]")
    updated = random_dates(rng, move_date - 3 * 365, move_date - 1, n_households)
    score = np.log(heads["consumption_per_capita"].to_numpy()) + rng.normal(0.0, RANKING_NOISE_SD, n_households)
    decile = config.national_decile(np.exp(score))
    bpnt = (decile <= 4) & (rng.random(n_households) < BPNT_QUOTA)
    address = formats.upper(formats.join(
        "Dusun ", formats.lookup(ROMAN, rng.integers(0, len(ROMAN), n_households)),
        " RT ", formats.digits(rng.integers(1, 21, n_households), 3),
        " RW ", formats.digits(rng.integers(1, 9, n_households), 3),
    ))
    h_cols = {
        "id_dtks": dtks_id,
        "no_kk": formats.digits(heads["old_kk"].to_numpy()),
        "kode_desa": world.village_code(village),
        "alamat": address,
        "desil": decile,
        "pkh": formats.choose(np.zeros(n_households, dtype=bool), "YA", "TIDAK"),
        "bpnt": formats.choose(bpnt, "YA", "TIDAK"),
        "atap": codebooks.labels(codebooks.DTKS_ATAP, heads["roof"].to_numpy()),
        "dinding": codebooks.labels(codebooks.DTKS_DINDING, heads["wall"].to_numpy()),
        "lantai": codebooks.labels(codebooks.DTKS_LANTAI, heads["floor"].to_numpy()),
        "luas_lantai": formats.small_decimal_id(heads["floor_area_m2"].to_numpy()),
        "sumber_air": codebooks.labels(codebooks.DTKS_SUMBER_AIR, heads["drinking_water"].to_numpy()),
        "jamban": codebooks.labels(codebooks.DTKS_JAMBAN, heads["sanitation"].to_numpy()),
        "penerangan": codebooks.labels(codebooks.DTKS_PENERANGAN, heads["lighting"].to_numpy()),
        "tgl_update": formats.dates(updated, "%d-%m-%Y"),
    }
    household_id = len(world.households) + 1 + np.arange(n_households)
    stale = np.ones(n_households, dtype=bool)
    households_file = _appended(world.province, files[0], h_cols, record_map(
        "dtks_ruta", dtks_id, household_id, None, {"stale_moved": stale}
    ), heads, with_person=False)

    birth = emigrants["birth_date"].to_numpy().astype("datetime64[D]")
    vintage = np.datetime64(config.VINTAGES["dtks"])
    records = inject_person_errors(
        emigrants["nik"].to_numpy(),
        emigrants["name"].to_numpy(dtype=object),
        birth,
        emigrants["female"].to_numpy(),
        age_on(birth, vintage) >= 23,
        emigrants["muslim"].to_numpy(),
        vintage,
        world.rates,
        rng,
    )
    member_no = np.arange(n_members) - np.flatnonzero(first_member)[member_household] + 1
    member_id = formats.digits(household_number[member_household] * 100 + member_no)
    pbi = rng.random(n_members) < PBI_BY_DECILE[decile[member_household] - 1]
    m_cols = {
        "id_art": member_id,
        "id_dtks": dtks_id.take(pa.array(member_household)),
        "nik": records.nik,
        "nama": formats.upper(records.name),
        "jenis_kelamin": codebooks.labels(codebooks.DTKS_JENIS_KELAMIN, np.where(records.female, 2, 1)),
        "tanggal_lahir": formats.dates(records.birth_date, "%d-%m-%Y"),
        "hubungan_keluarga": codebooks.labels(codebooks.DTKS_HUBUNGAN, emigrants["relationship"].to_numpy()),
        "pbi_jk": formats.choose(pbi, "YA", "TIDAK"),
        "komponen_pkh": pa.nulls(n_members, pa.string()),
        "disabilitas": disability_labels(np.column_stack([emigrants[f"wg_{d}"].to_numpy() for d in WG_DOMAINS])),
    }
    death = emigrants["death_date"].to_numpy().astype("datetime64[D]")
    person_id = len(world.persons) + 1 + np.arange(n_members)
    members_map = record_map(
        "dtks_art",
        member_id,
        household_id[member_household],
        person_id,
        {
            **records.flags,
            "stale_moved": np.ones(n_members, dtype=bool),
            "stale_deceased": ~np.isnat(death) & (death <= vintage),
        },
    )
    members_file = _appended(world.province, files[1], m_cols, members_map, emigrants, with_person=True)
    return [households_file, members_file, *files[2:]]


def _appended(
    province: str,
    source_file: SourceFile,
    columns: dict,
    stale_map: pa.Table,
    who: pd.DataFrame,
    with_person: bool,
) -> SourceFile:
    """`source_file` with the stale rows after its own, in its column types, and their record_map rows with
    national ids (NULL person for household records)."""
    rows = table(columns).select(source_file.table.column_names).cast(source_file.table.schema)
    person = pa.array(who["national_person_id"].to_numpy(dtype=object), type=pa.string())
    stale_map = stale_map.append_column(
        "national_person_id", person if with_person else pa.nulls(len(who), pa.string())
    ).append_column(
        "national_household_id", pa.array(who["national_household_id"].to_numpy(dtype=object), type=pa.string())
    )
    return SourceFile(
        source_file.source,
        source_file.path,
        pa.concat_tables([source_file.table, rows]),
        source_file.headers,
        source_file.delimiter,
        source_file.force_quote,
        pa.concat_tables([with_national_ids(source_file.record_map, province), stale_map]),
    )
