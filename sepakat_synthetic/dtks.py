"""DTKS (Kemensos SIKS-NG export, June 2025): proposal-based, skewed to the poor, stale, with program receipt.

Receipt follows DTKS's own (older, noisier) ranking and regency quotas, so it disagrees with the true deciles:
that disagreement is the inclusion and exclusion error the pipeline must measure.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sepakat_synthetic import codebooks, config, formats
from sepakat_synthetic.errors import BrokenSpec, inject_broken_rows, outdated_villages
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.persons import PKBM, SD, SLB, SMA, SMK, SMP, age_on
from sepakat_synthetic.sampling import random_dates, rank_within
from sepakat_synthetic.world import World, record_map

# Chance that a household is in DTKS, by its true national decile 1..10 (inclusion of the non-poor is real).
COVERAGE_BY_DECILE = np.array([0.82, 0.78, 0.70, 0.60, 0.45, 0.32, 0.22, 0.14, 0.08, 0.04])
RANKING_NOISE_SD = 0.5  # DTKS ranks on older, fewer variables than Regsosek
MOVE_RECORDED = 0.5  # share of moves before the last update that the update caught
PKH_QUOTA, BPNT_QUOTA = 0.30, 0.45  # share of a regency's DTKS households that can receive
PBI_BY_DECILE = np.array([0.92, 0.92, 0.92, 0.92, 0.92, 0.25, 0.25, 0.03, 0.03, 0.03])
MAX_PKH_COMPONENTS = 4
# PKH components in the order a family's four slots are filled
COMPONENTS = ("IBU HAMIL", "DISABILITAS BERAT", "LANSIA", "ANAK USIA DINI", "SMA", "SMP", "SD")
_CORRECTABLE = ("nik_missing", "nik_digit_error", "nik_transposition", "name_typo", "birth_date_swap")
_VINTAGE = config.VINTAGES["dtks"]
_DATE = "%d-%m-%Y"


def _headers(columns: dict) -> tuple[str, ...]:
    """SIKS-NG exports UPPER_SNAKE headers."""
    return tuple(name.upper() for name in columns)


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("dtks")
    h, p = world.households, world.persons
    n_households = len(h)
    updated = random_dates(rng, config.DTKS_UPDATE_START, config.DTKS_UPDATE_END, n_households)

    # Members as of the household's last update; deaths before it are removed, but not always.
    birth = p["birth_date"].to_numpy().astype("datetime64[D]")
    death = p["death_date"].to_numpy().astype("datetime64[D]")
    person_update = updated[world.household_row]
    dead_before_update = ~np.isnat(death) & (death <= person_update)
    kept_dead = dead_before_update & (rng.random(len(p)) < world.rates.stale_deceased)
    listed = (birth <= person_update) & (~dead_before_update | kept_dead)
    members_listed = np.bincount(world.household_row[listed], minlength=n_households)
    decile = h["decile"].to_numpy()
    covered = (members_listed > 0) & (rng.random(n_households) < COVERAGE_BY_DECILE[decile - 1])
    rows = np.flatnonzero(covered)

    # Village: a move is recorded only if it happened before the update and the update caught it.
    moved = h["moved"].to_numpy()[rows]
    move_date = h["move_date"].to_numpy()[rows].astype("datetime64[D]")
    caught = moved & (move_date <= updated[rows]) & (rng.random(len(rows)) < MOVE_RECORDED)
    stale_moved = moved & ~caught
    village = np.where(
        stale_moved, h["previous_village_index"].to_numpy()[rows], h["village_index"].to_numpy()[rows]
    )
    village, outdated = outdated_villages(village, world.village_regency, world.rates.outdated_village, rng)

    score = np.log(h["consumption_per_capita"].to_numpy()[rows]) + rng.normal(
        0.0, RANKING_NOISE_SD, len(rows)
    )
    dtks_decile = config.national_decile(np.exp(score))
    regency = h["regency_code"].to_numpy()[rows]
    household_number = regency * 1_000_000_000 + rank_within(regency, rng=rng) + 1
    dtks_id = formats.digits(household_number)

    members = np.flatnonzero(listed & covered[world.household_row])
    household_of_member = np.full(n_households, -1, dtype=np.int64)
    household_of_member[rows] = np.arange(len(rows))
    member_household = household_of_member[world.household_row[members]]
    component = _components(world, members)
    has_component = np.bincount(member_household, weights=component >= 0, minlength=len(rows)) > 0

    poorest_first = rank_within(regency, score)
    regency_group = np.unique(regency, return_inverse=True)[1]
    regency_size = np.bincount(regency_group)[regency_group]
    pkh_rank = rank_within(regency, np.where(has_component & (dtks_decile <= 4), score, np.inf))
    pkh = has_component & (dtks_decile <= 4) & (pkh_rank < PKH_QUOTA * regency_size)
    bpnt = (dtks_decile <= 4) & (poorest_first < BPNT_QUOTA * regency_size)
    world.outcomes["dtks_covered"] = covered
    world.outcomes["dtks_pkh"] = _per_household(n_households, rows, pkh)
    world.outcomes["dtks_bpnt"] = _per_household(n_households, rows, bpnt)

    h_cols = {
        "id_dtks": dtks_id,
        "no_kk": formats.digits(h["kk"].to_numpy()[rows]),
        "kode_desa": world.village_code(village),
        "alamat": world.address(rows, "dtks"),
        "desil": dtks_decile,
        "pkh": formats.choose(pkh, "YA", "TIDAK"),
        "bpnt": formats.choose(bpnt, "YA", "TIDAK"),
        "atap": codebooks.labels(codebooks.DTKS_ATAP, h["roof"].to_numpy()[rows]),
        "dinding": codebooks.labels(codebooks.DTKS_DINDING, h["wall"].to_numpy()[rows]),
        "lantai": codebooks.labels(codebooks.DTKS_LANTAI, h["floor"].to_numpy()[rows]),
        "luas_lantai": formats.small_decimal_id(h["floor_area_m2"].to_numpy()[rows]),
        "sumber_air": codebooks.labels(codebooks.DTKS_SUMBER_AIR, h["drinking_water"].to_numpy()[rows]),
        "jamban": codebooks.labels(codebooks.DTKS_JAMBAN, h["sanitation"].to_numpy()[rows]),
        "penerangan": codebooks.labels(codebooks.DTKS_PENERANGAN, h["lighting"].to_numpy()[rows]),
        "tgl_update": formats.dates(updated[rows], _DATE),
    }
    broken = inject_broken_rows(
        h_cols,
        BrokenSpec("no_kk", (("tgl_update", _DATE),), (("kode_desa", "village"),)),
        world.rates.broken_row,
        rng,
    )
    households_file = SourceFile(
        "dtks_ruta",
        f"dtks/DTKS_RUTA_{_VINTAGE:%Y%m}.csv",
        table(h_cols),
        _headers(h_cols),
        ";",
        record_map=record_map(
            "dtks_ruta",
            dtks_id,
            h["household_id"].to_numpy()[rows],
            None,
            {"outdated_village": outdated, "stale_moved": stale_moved, **broken},
        ),
    )

    # Member rows, then duplicates: the same person entered again under a new member number.
    duplicate_of = np.flatnonzero(rng.random(len(members)) < world.rates.duplicate)
    person_rows = np.concatenate([members, members[duplicate_of]])
    row_household = np.concatenate([member_household, member_household[duplicate_of]])
    is_duplicate = np.r_[np.zeros(len(members), dtype=bool), np.ones(len(duplicate_of), dtype=bool)]
    member_no = rank_within(row_household, np.r_[members, members[duplicate_of] + len(p)]) + 1
    member_id = formats.digits(household_number[row_household] * 100 + member_no)
    records = world.person_errors(person_rows, np.datetime64(_VINTAGE), np.datetime64(_VINTAGE), rng)
    wrong = np.zeros(len(p), dtype=bool)
    wrong[person_rows[np.logical_or.reduce([records.flags[f] for f in _CORRECTABLE])]] = True
    world.outcomes["dtks_wrong_person"] = wrong
    labels = _pkh_labels(component, member_household, pkh)
    stale_dead = ~np.isnat(death[person_rows]) & (death[person_rows] <= np.datetime64(_VINTAGE))
    household_decile = dtks_decile[row_household]
    pbi = rng.random(len(person_rows)) < PBI_BY_DECILE[household_decile - 1]
    m_cols = {
        "id_art": member_id,
        "id_dtks": dtks_id.take(pa.array(row_household)),
        "nik": records.nik,
        "nama": formats.upper(records.name),
        "jenis_kelamin": codebooks.labels(codebooks.DTKS_JENIS_KELAMIN, np.where(records.female, 2, 1)),
        "tanggal_lahir": formats.dates(records.birth_date, _DATE),
        "hubungan_keluarga": codebooks.labels(
            codebooks.DTKS_HUBUNGAN, p["relationship"].to_numpy()[person_rows]
        ),
        "pbi_jk": formats.choose(pbi, "YA", "TIDAK"),
        "komponen_pkh": formats.lookup((None, *COMPONENTS), np.r_[labels, labels[duplicate_of]] + 1),
        "disabilitas": _disability_labels(world, person_rows),
    }
    broken = inject_broken_rows(
        m_cols,
        BrokenSpec("nik", (("tanggal_lahir", _DATE),)),
        world.rates.broken_row,
        rng,
        fallback_number=p["nik"].to_numpy()[person_rows],
    )
    members_file = SourceFile(
        "dtks_art",
        f"dtks/DTKS_ART_{_VINTAGE:%Y%m}.csv",
        table(m_cols),
        _headers(m_cols),
        ";",
        record_map=record_map(
            "dtks_art",
            member_id,
            p["household_id"].to_numpy()[person_rows],
            p["person_id"].to_numpy()[person_rows],
            {**records.flags, "duplicate": is_duplicate, "stale_deceased": stale_dead, **broken},
        ),
    )
    return [households_file, members_file]


def _per_household(n: int, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[rows] = values
    return out


def _components(world: World, members: np.ndarray) -> np.ndarray:
    """Index into COMPONENTS of each member's highest-priority PKH component (-1 for none), as of now."""
    p = world.persons
    age = age_on(p["birth_date"].to_numpy()[members], config.REFERENCE_DATE)
    school = p["school_type"].to_numpy()[members]
    grade = p["grade"].to_numpy()[members]
    in_school = np.isin(school, [SD, SMP, SMA, SMK, SLB, PKBM])
    return np.select(
        [
            p["pregnant"].to_numpy()[members],
            p["disability_severe"].to_numpy()[members],
            age >= 60,
            age <= 6,
            in_school & (grade >= 10),
            in_school & (grade >= 7),
            in_school & (grade >= 1),
        ],
        [0, 1, 2, 3, 4, 5, 6],
        default=-1,
    )


def _pkh_labels(component: np.ndarray, member_household: np.ndarray, pkh: np.ndarray) -> np.ndarray:
    """Component (index into COMPONENTS, -1 for none) of members of PKH families, at most four per family
    (highest priority first)."""
    eligible = (component >= 0) & pkh[member_household]
    priority = np.where(eligible, component, len(COMPONENTS)) * len(component) + np.arange(len(component))
    slot = rank_within(member_household, priority)
    labelled = eligible & (slot < MAX_PKH_COMPONENTS)
    return np.where(labelled, component, -1)


WG_DOMAINS = ("seeing", "hearing", "walking", "remembering", "self_care", "communicating")


def _disability_labels(world: World, rows: np.ndarray) -> pa.Array:
    p = world.persons
    return disability_labels(np.column_stack([p[f"wg_{d}"].to_numpy()[rows] for d in WG_DOMAINS]))


def disability_labels(domains: np.ndarray) -> pa.Array:
    """SIKS-NG style disability type from the dominant functional difficulty (TIDAK when none); `domains` has
    one column per WG_DOMAINS entry."""
    severe = domains >= 3
    kinds = np.array(
        ["TUNA NETRA", "TUNA RUNGU", "TUNA DAKSA", "TUNA GRAHITA", "TUNA DAKSA", "TUNA WICARA"], dtype=object
    )
    label = kinds[np.argmax(domains, axis=1)]
    label = np.where(severe.sum(axis=1) >= 2, "DISABILITAS GANDA", label)
    return formats.text(np.where(severe.any(axis=1), label, "TIDAK").astype(object))
