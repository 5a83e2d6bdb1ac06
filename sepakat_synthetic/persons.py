"""Ground-truth household members: roles, ages, names, NIKs, schooling, work, disability, health, deaths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sepakat_synthetic import config, names
from sepakat_synthetic.identifiers import date_parts, nik_numbers
from sepakat_synthetic.names import MARGA_POOLS, RELIGIONS
from sepakat_synthetic.sampling import ordered_categories, random_dates, sigmoid
from sepakat_synthetic.streams import Streams

# Relationship to the head, in the Regsosek HUBUNGAN_KK codes
HEAD, SPOUSE, CHILD, GRANDCHILD, PARENT, OTHER = 1, 2, 3, 5, 6, 7
# Kind of school attended (Dapodik bentuk_pendidikan); 0 = not in school
SCHOOL_TYPES = ("", "KB", "TK", "SD", "SMP", "SMA", "SMK", "SLB", "PKBM")
KB, TK, SD, SMP, SMA, SMK, SLB, PKBM = range(1, 9)
MADRASAH_SHARE = (0.08, 0.18)  # per-regency range of the share of SD/SMP/SMA-level pupils in MI/MTs/MA

# Sectors of work ordered from the poorest to the best-off livelihoods, with shares of NTT workers.
# fmt: off
_SECTORS = (
    [1, 5, 4, 3, 2, 6, 7, 10, 8, 11, 13, 12, 9, 18, 16, 17, 14, 15],
    [0.34, 0.08, 0.05, 0.06, 0.03, 0.01, 0.01, 0.06, 0.05, 0.12, 0.04, 0.03, 0.005, 0.07, 0.04, 0.015,
     0.005, 0.005],
)
# fmt: on
# Agriculture, forestry and fishery (Regsosek lapangan_usaha 1-6): casual work there is "pekerja bebas pertanian".
_FARMING_SECTORS = (1, 2, 3, 4, 5, 6)
_SUMBA = MARGA_POOLS.index("sumba")
_GORONTALO = MARGA_POOLS.index("gorontalo")


def build_persons(households: pd.DataFrame, streams: Streams) -> pd.DataFrame:
    rng = streams.rng("persons.demography")
    size = households["size"].to_numpy()
    n_households, n = len(size), int(size.sum())
    hh = np.repeat(np.arange(n_households), size)
    first = np.cumsum(size) - size
    position = np.arange(n) - first[hh]

    # Household composition: a head, usually a spouse, then children, grandchildren, parents, other relatives.
    has_spouse = (size >= 2) & (rng.random(n_households) < 0.82)
    single_young = rng.random(n_households) < 0.4
    head_age = np.where(
        size == 1,
        np.where(single_young, rng.uniform(20, 36, n_households), rng.uniform(58, 89, n_households)),
        21 + 55 * rng.beta(2.2, 3.0, n_households),
    )
    head_female = np.where(has_spouse, rng.random(n_households) < 0.04, rng.random(n_households) < 0.55)
    spouse_age = np.clip(head_age + np.where(head_female, 3, -4) + rng.normal(0, 4, n_households), 16, 95)
    mother_age = np.where(head_female | ~has_spouse, head_age, spouse_age)

    u = rng.random(n)
    role = np.full(n, CHILD, dtype=np.int16)
    role[(head_age[hh] >= 48) & (u < 0.3)] = GRANDCHILD
    role[(u > 0.93) & (u <= 0.96)] = OTHER
    role[(head_age[hh] < 55) & (u > 0.96)] = PARENT
    role[position == 0] = HEAD
    role[(position == 1) & has_spouse[hh]] = SPOUSE

    r = rng.random(n)
    age = np.select(
        [role == HEAD, role == SPOUSE, role == CHILD, role == GRANDCHILD, role == PARENT],
        [
            head_age[hh] + r,
            spouse_age[hh] + r,  # the fraction of a year keeps ages clipped at 16 from sharing one birth date
            r * np.clip(mother_age[hh] - 16, 1, 32),
            r * np.clip(head_age[hh] - 38, 1, 20),
            np.minimum(head_age[hh] + 20 + 12 * r, 98 + r),
        ],
        default=3 + 67 * r,
    )
    female = np.select(
        [role == HEAD, role == SPOUSE], [head_female[hh], ~head_female[hh]], default=rng.random(n) < 0.49
    )
    birth = config.REFERENCE_DATE - np.floor(age * 365.25).astype(np.int64)
    age_years = age_on(birth, config.REFERENCE_DATE)

    frame = pd.DataFrame(
        {
            "person_id": np.arange(1, n + 1, dtype=np.int64),
            "household_id": households["household_id"].to_numpy()[hh],
            "member_no": (position + 1).astype(np.int16),
            "relationship": role,
            "female": female,
            "birth_date": birth,
            "age": age_years.astype(np.int16),
        }
    )
    # Children's mother: the woman among head and spouse (used for births and antenatal care).
    mother_position = np.where(has_spouse & ~head_female, 1, 0)
    has_mother = (role == CHILD) & (head_female | has_spouse)[hh]
    frame["mother_person_id"] = pd.array(
        np.where(has_mother, first[hh] + mother_position[hh] + 1, 0), dtype="Int64"
    )
    frame.loc[~has_mother, "mother_person_id"] = pd.NA

    _add_marital_status(frame, has_spouse[hh], rng)
    _add_deaths(frame, rng)
    for column in ("village_code", "district_code", "regency_code", "moved", "decile", "percentile", "religion", "kk"):
        frame[column] = households[column].to_numpy()[hh]
    welfare = households["welfare_z"].to_numpy()[hh]
    urban = households["urban"].to_numpy()[hh]
    _add_disability(frame, streams.rng("persons.disability"))
    _add_schooling(frame, welfare, streams.rng("persons.schooling"))
    _add_madrasah(frame, streams.rng("persons.madrasah"))
    _add_work(frame, welfare, urban, streams.rng("persons.work"))
    _add_labour_force(frame, welfare, urban, streams.rng("persons.labour_force"))
    _add_health(frame, streams.rng("persons.health"))
    _add_names(frame, households, hh, has_spouse, head_female, streams.rng("persons.names"))
    _add_nik(frame, households, hh, streams.rng("persons.nik"))
    return frame


def age_on(birth: np.ndarray, on: np.datetime64 | np.ndarray) -> np.ndarray:
    """Completed years of age on a date (or on each person's own date)."""
    birth = np.asarray(birth, dtype="datetime64[D]")
    by, bm, bd = date_parts(birth)
    oy, om, od = date_parts(np.broadcast_to(np.asarray(on, dtype="datetime64[D]"), birth.shape))
    return oy - by - ((om < bm) | ((om == bm) & (od < bd)))


def _add_marital_status(frame: pd.DataFrame, has_spouse: np.ndarray, rng: np.random.Generator) -> None:
    role, age = frame["relationship"].to_numpy(), frame["age"].to_numpy()
    u = rng.random(len(frame))
    alone_old = np.where(u < 0.70, 4, np.where(u < 0.85, 3, 1))
    alone_young = np.where(u < 0.50, 1, np.where(u < 0.75, 3, 4))
    adult_child = np.where(u < 0.88, 1, np.where(u < 0.96, 2, 3))
    status = np.select(
        [
            (role == HEAD) & has_spouse,
            role == SPOUSE,
            (role == HEAD) & (age >= 50),
            role == HEAD,
            role == PARENT,
            age >= 17,
        ],
        [2, 2, alone_old, alone_young, np.where(u < 0.65, 4, 2), adult_child],
        default=1,
    )
    frame["marital_status"] = status.astype(np.int16)


def _add_deaths(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Deaths since 2021 (Gompertz-like mortality plus child mortality), so some registries list the dead."""
    age = frame["age"].to_numpy().astype(float)
    annual = np.minimum(0.001 * np.exp(0.085 * (age - 30)), 0.35) + np.where(age < 5, 0.006, 0.0)
    years = (config.REFERENCE_DATE - config.DEATHS_START).astype(np.int64) / 365.25
    died = rng.random(len(frame)) < 1 - (1 - annual) ** years
    birth = frame["birth_date"].to_numpy().astype("datetime64[D]")
    start = np.maximum(birth + 1, config.DEATHS_START)
    death = random_dates(rng, start, config.REFERENCE_DATE - 1, len(frame))
    died &= start < config.REFERENCE_DATE
    frame["alive"] = ~died
    frame["death_date"] = np.where(died, death, np.datetime64("NaT"))


def _add_disability(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Washington Group functional difficulty (1-4) in six domains; more with age and a shared frailty."""
    n = len(frame)
    age = frame["age"].to_numpy().astype(float)
    frailty = rng.normal(0.0, 1.0, n)
    base = -1.6 + 0.04 * np.maximum(age - 45, 0)
    domain_offsets = (0.3, 0.0, 0.35, -0.1, -0.4, -0.5)  # seeing and walking are the most common difficulties
    any_severe = np.zeros(n, dtype=bool)
    max_level = np.ones(n, dtype=np.int16)
    for domain, offset in zip(
        ("seeing", "hearing", "walking", "remembering", "self_care", "communicating"),
        domain_offsets,
        strict=True,
    ):
        latent = base + offset + 0.8 * frailty + 0.7 * rng.normal(0.0, 1.0, n)
        level = (1 + (latent > 0.0) + (latent > 1.2) + (latent > 2.2)).astype(np.int16)
        frame[f"wg_{domain}"] = level
        max_level = np.maximum(max_level, level)
        any_severe |= level == 4
    frame["disability"] = max_level >= 3
    frame["disability_severe"] = any_severe


def _add_schooling(frame: pd.DataFrame, welfare: np.ndarray, rng: np.random.Generator) -> None:
    """Enrolment 4-18 (less when poorer or disabled), current level and grade, highest education attained."""
    n = len(frame)
    age = frame["age"].to_numpy()
    alive = frame["alive"].to_numpy()
    disabled = frame["disability"].to_numpy()
    base = np.select(
        [age == 4, age == 5, age == 6, age <= 12, age <= 15, age <= 18],
        [-1.2, -0.2, 1.0, 3.2, 2.0, 0.9],
        default=-9.0,
    )
    in_age = (age >= 4) & (age <= 18) & alive
    enrolled = in_age & (rng.random(n) < sigmoid(base + 0.45 * welfare - 1.5 * disabled))
    # Out-of-school 7-18 year olds sometimes follow equivalency (Paket A/B/C) at a PKBM.
    equivalency = in_age & ~enrolled & (age >= 7) & (rng.random(n) < 0.12)
    repeat = rng.random(n) < 0.12
    grade = np.clip(age - 6 - repeat, 0, 12)
    grade = np.where(age == 6, np.where(rng.random(n) < 0.5, 0, 1), grade)
    grade = np.where(enrolled | equivalency, np.where(age <= 5, 0, np.maximum(grade, 1)), 0)
    school_type = np.select(
        [grade == 0, grade <= 6, grade <= 9],
        [np.where(age <= 4, KB, TK), SD, SMP],
        default=np.where(rng.random(n) < 0.4, SMK, SMA),
    ).astype(np.int8)
    school_type[enrolled & disabled & (rng.random(n) < 0.4)] = SLB
    school_type[equivalency] = PKBM
    school_type[~(enrolled | equivalency)] = 0

    birth_year = date_parts(frame["birth_date"].to_numpy())[0]
    latent = 0.8 * welfare + 0.035 * (birth_year - 1975) + rng.normal(0.0, 1.0, n)
    adult_education = np.searchsorted(np.array([-0.9, 0.0, 0.6, 1.7, 1.95, 2.9]), latent)
    # Degrees take time: a diploma from 21, a bachelor's from 22, a master's from 25.
    adult_education = np.minimum(
        adult_education, np.select([age < 21, age < 22, age < 25], [3, 4, 5], default=6)
    )
    in_school_education = np.select([grade <= 6, grade <= 9], [0, 1], default=2)
    dropped_out = np.where(age >= 16, np.where(rng.random(n) < 0.5, 2, 1), np.where(age >= 13, 1, 0))
    education = np.select(
        [age >= 19, enrolled | equivalency, age >= 7],
        [adult_education, in_school_education, dropped_out],
        default=0,
    ).astype(np.int16)
    never = (education == 0) & ~(enrolled | equivalency) & (rng.random(n) < 0.6)
    school_status = np.where(enrolled | equivalency, 1, np.where(never | (age < 7), 0, 2)).astype(np.int16)

    frame["enrolled"] = enrolled | equivalency
    frame["equivalency"] = equivalency
    frame["school_type"] = school_type
    frame["grade"] = np.where(enrolled | equivalency, grade, -1).astype(np.int16)
    frame["education"] = education
    frame["school_status"] = school_status


def _add_madrasah(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Which SD/SMP/SMA-level pupils attend a madrasah (MI/MTs/MA, registered in Kemenag's EMIS, not Dapodik).

    The share varies by regency around the national one (MADRASAH_SHARE), so that a regency's participation read
    from Dapodik alone is low by a different amount in each regency."""
    regencies, regency_index = np.unique(frame["regency_code"].to_numpy(), return_inverse=True)
    low, high = MADRASAH_SHARE
    share = rng.uniform(low, high, len(regencies))[regency_index]
    eligible = frame["enrolled"].to_numpy() & np.isin(frame["school_type"].to_numpy(), [SD, SMP, SMA])
    frame["madrasah"] = eligible & (rng.random(len(frame)) < share)


def _add_work(frame: pd.DataFrame, welfare: np.ndarray, urban: np.ndarray, rng: np.random.Generator) -> None:
    """Work from age 15 (less while in school), in better-paid sectors as welfare and schooling rise."""
    n = len(frame)
    age = frame["age"].to_numpy()
    female = frame["female"].to_numpy()
    enrolled = frame["enrolled"].to_numpy()
    p = np.select(
        [age < 15, enrolled, age < 25, age < 60, age < 70],
        [0.0, 0.08, np.where(female, 0.40, 0.55), np.where(female, 0.62, 0.90), 0.65],
        default=0.35,
    )
    working = (rng.random(n) < p) & (age >= 15)
    score = welfare + 1.2 * urban + 0.5 * frame["education"].to_numpy() + rng.normal(0.0, 1.0, n)
    sector = np.zeros(n, dtype=np.int16)
    sector[working] = ordered_categories(score[working], *_SECTORS)
    frame["working"] = working
    frame["work_status"] = np.where(age >= 15, np.where(working, 1, 2), 0).astype(np.int16)
    frame["sector"] = sector


def _add_labour_force(
    frame: pd.DataFrame, welfare: np.ndarray, urban: np.ndarray, rng: np.random.Generator
) -> None:
    """Who of the non-working 15+ seeks work (unemployed), and the workers' status in employment (Sakernas codes).

    A stream of its own, so that adding it shifted no earlier draw. Status codes: 1 own-account, 2 employer with
    temporary or unpaid help, 3 employer with permanent paid workers, 4 employee, 5 casual in agriculture,
    6 casual outside agriculture, 7 unpaid family worker.
    """
    n = len(frame)
    age = frame["age"].to_numpy()
    working = frame["working"].to_numpy()
    enrolled = frame["enrolled"].to_numpy()
    p_seek = np.select([age < 15, enrolled, age < 25, age < 60], [0.0, 0.03, 0.20 + 0.08 * urban, 0.06 + 0.05 * urban],
                       default=0.01) * np.where(frame["female"].to_numpy(), 0.4, 1.0)
    seeking = ~working & (age >= 15) & (rng.random(n) < p_seek)
    frame["seeking_work"] = seeking
    frame["work_status"] = np.where(age >= 15, np.where(working, 1, np.where(seeking, 3, 2)), 0).astype(np.int16)

    farming = np.isin(frame["sector"].to_numpy(), _FARMING_SECTORS)
    score = welfare + 1.0 * urban + 0.4 * frame["education"].to_numpy() + rng.normal(0.0, 1.0, n)
    employee = rng.random(n) < sigmoid(score - np.where(farming, 3.5, 1.5))
    u = rng.random(n)
    informal = np.where(
        farming,
        np.select([u < 0.35, u < 0.60, u < 0.62, u < 0.72], [1, 2, 3, 5], default=7),
        np.select([u < 0.50, u < 0.60, u < 0.63, u < 0.78], [1, 2, 3, 6], default=7),
    )
    status = np.where(working, np.where(employee, 4, informal), 0)
    frame["employment_status"] = status.astype(np.int16)


def _add_health(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Pregnancy now (married women 15-49), hypertension and diabetes (adults, rising with age)."""
    n = len(frame)
    age = frame["age"].to_numpy().astype(float)
    pregnancy_rate = np.interp(
        age, [15, 20, 25, 30, 35, 40, 45, 50], [0.04, 0.10, 0.11, 0.09, 0.06, 0.02, 0.005, 0]
    )
    frame["pregnant"] = (
        frame["female"].to_numpy()
        & frame["alive"].to_numpy()
        & (frame["marital_status"].to_numpy() == 2)
        & (age >= 15)
        & (age <= 49)
        & (rng.random(n) < pregnancy_rate)
    )
    adult = age >= 15
    frame["hypertension"] = adult & (rng.random(n) < sigmoid(-4.0 + 0.07 * (age - 15)))
    frame["diabetes"] = adult & (rng.random(n) < sigmoid(-6.0 + 0.065 * (age - 15)))


def _add_names(
    frame: pd.DataFrame,
    households: pd.DataFrame,
    hh: np.ndarray,
    has_spouse: np.ndarray,
    head_female: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Given name(s) and marga; children usually carry the father's marga, wives keep their own."""
    n = len(frame)
    role = frame["relationship"].to_numpy()
    female = frame["female"].to_numpy()
    religion = households["religion"].to_numpy()[hh]
    pool = households["marga_pool_index"].to_numpy()[hh]
    muslim = religion == RELIGIONS.index("muslim")
    birth_year = date_parts(frame["birth_date"].to_numpy())[0]
    modern = rng.random(n) < np.clip((birth_year - 1985) / 40, 0.0, 0.65)

    first = names.draw_given_names(religion, female, modern, rng)
    second = names.draw_given_names(religion, female, modern, rng)
    hindu = religion == RELIGIONS.index("hindu")  # a Balinese birth-order name already has two parts
    use_second = rng.random(n) < np.where(muslim, 0.45, np.where(hindu, 0.0, 0.22))
    # The household's (father's) marga, and each person's own for those who do not carry it.
    family_marga = names.draw_marga(households["marga_pool_index"].to_numpy(), rng).take(pa.array(hh))
    own_marga = names.draw_marga(pool, rng)
    father_line = (
        ((role == HEAD) & ~female)
        | (role == CHILD)
        | ((role == GRANDCHILD) & (rng.random(n) < 0.5))
        | ((role == PARENT) & ~female)
    ) & (~head_female[hh] | has_spouse[hh])
    marga = pc.if_else(pa.array(father_line), family_marga, own_marga)
    carries_marga = rng.random(n) < np.where(muslim, np.where(pool == _GORONTALO, 0.7, 0.35), 0.8)
    single_name = rng.random(n) < 0.15
    sumba = (pool == _SUMBA) & (rng.random(n) < 0.25)
    name = names.join_names(
        names.sumba_prefix(female, sumba & ~single_name),
        first,
        pc.if_else(pa.array(use_second & ~single_name), second, pa.nulls(n, pa.string())),
        pc.if_else(pa.array(carries_marga & ~single_name), marga, pa.nulls(n, pa.string())),
    )
    frame["name"] = pd.arrays.ArrowStringArray(name)


def _add_nik(frame: pd.DataFrame, households: pd.DataFrame, hh: np.ndarray, rng: np.random.Generator) -> None:
    """NIK registered in the district of first registration: where the family lived, sometimes elsewhere."""
    n = len(frame)
    home = np.where(
        households["moved"], households["previous_village_code"] // 10_000, households["district_code"]
    )
    district = home[hh]
    elsewhere = rng.random(n) < 0.08
    all_districts = np.unique(households["district_code"].to_numpy())
    district = np.where(elsewhere, all_districts[rng.integers(0, len(all_districts), n)], district)
    frame["nik_district_code"] = district
    frame["nik"] = nik_numbers(district, frame["birth_date"].to_numpy(), frame["female"].to_numpy(), rng)
