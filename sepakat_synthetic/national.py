"""A national sample: several provinces (or all 38) at one size each, with people who moved between them and
namesakes across them, and a national ground truth that says who is who across provinces.

Layout: `<out>/<province>/landing/...` and `<out>/<province>/truth/*.parquet` per province (as one province's
`generate`), plus `<out>/national_truth/movers.parquet` and `namesakes.parquet`.

Two passes keep one province's world in memory at a time. Pass 1 builds each province's population, plants its
in-movers (their origin NIKs) and picks its namesake templates, and keeps only those small tables. Pass 2 builds
each population again (the same draws), gives some persons the name of another province's template with the
same birth date and sex, and writes every registry, the origin province's DTKS with its stale records of the
persons who left it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sepakat_synthetic import config
from sepakat_synthetic.generator import GenerationSummary, check_province, write_province
from sepakat_synthetic.households import build_households
from sepakat_synthetic.identifiers import nik_numbers
from sepakat_synthetic.movers import plant_in_movers
from sepakat_synthetic.persons import age_on, build_persons
from sepakat_synthetic.rates import ErrorRates
from sepakat_synthetic.streams import Streams

NATIONAL_TRUTH = "national_truth"
_MOVER_COLUMNS = (
    "national_person_id",
    "national_household_id",
    "residence_province",
    "origin_province",
    "nik",
    "nik_district_code",
    "move_date",
)

_NAMESAKE_SCHEMA = pa.schema(
    [
        ("national_person_id_a", pa.string()),
        ("national_person_id_b", pa.string()),
        ("province_a", pa.string()),
        ("province_b", pa.string()),
        ("birth_date", pa.date32()),
    ]
)


@dataclass(frozen=True)
class NationalSummary:
    out_dir: Path
    provinces: dict[str, GenerationSummary]
    movers: int
    namesakes: int
    seconds: float


def generate_national(
    out_dir: Path,
    provinces: list[str],
    persons_per_province: int,
    seed: int = 42,
    error_rates: ErrorRates | None = None,
) -> NationalSummary:
    """Write every province of the sample and the national truth under `out_dir`; same inputs, identical bytes."""
    started = time.perf_counter()
    sample = sorted(set(provinces))
    for province in sample:
        check_province(province)
    if persons_per_province < 1:
        raise ValueError("persons_per_province must be at least 1")
    out_dir = Path(out_dir)

    emigrants: list[pd.DataFrame] = []
    templates: list[pd.DataFrame] = []
    for province in sample:  # pass 1: who moved, who lends a name
        _, people, movers, own_templates = _population(province, sample, persons_per_province, seed)
        emigrants.append(movers)
        templates.append(own_templates)
        del people
    all_emigrants = pd.concat(emigrants, ignore_index=True) if emigrants else pd.DataFrame()
    all_templates = pd.concat(templates, ignore_index=True)

    summaries: dict[str, GenerationSummary] = {}
    pairs: list[pd.DataFrame] = []
    for province in sample:  # pass 2: write each province
        province_started = time.perf_counter()
        households, people, _, own_templates = _population(province, sample, persons_per_province, seed)
        pairs.append(_plant_namesakes(province, people, all_templates, own_templates, all_emigrants))
        left = all_emigrants[all_emigrants["origin_province"] == province] if len(all_emigrants) else None
        summaries[province] = write_province(
            out_dir / province,
            province,
            households,
            people,
            error_rates or ErrorRates(),
            Streams(seed, scope=province),
            province_started,
            emigrants=left,
        )
        del households, people

    truth_dir = out_dir / NATIONAL_TRUTH
    truth_dir.mkdir(parents=True, exist_ok=True)
    movers = _movers_table(all_emigrants)
    namesakes = pa.Table.from_pandas(pd.concat(pairs, ignore_index=True), schema=_NAMESAKE_SCHEMA, preserve_index=False)
    pq.write_table(movers, truth_dir / "movers.parquet", compression="zstd")
    pq.write_table(namesakes, truth_dir / "namesakes.parquet", compression="zstd")
    return NationalSummary(
        out_dir, summaries, movers.num_rows, namesakes.num_rows, time.perf_counter() - started
    )


def _population(
    province: str, sample: list[str], persons: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(households, persons, in-movers, namesake templates) of one province: the same in both passes."""
    streams = Streams(seed, scope=province)
    households = build_households(province, persons, streams)
    people = build_persons(households, streams)
    movers = plant_in_movers(province, sample, households, people, streams)
    return households, people, movers, _templates(province, sample, people, movers, streams)


def _templates(
    province: str, sample: list[str], people: pd.DataFrame, movers: pd.DataFrame, streams: Streams
) -> pd.DataFrame:
    """Adults of this province whose name and birth date a person of another province (`destination`) gets."""
    others = [code for code in sample if code != province]
    columns = ["national_person_id", "province", "destination", "name", "birth_date", "female"]
    if not others:
        return pd.DataFrame(columns=columns)
    rng = streams.rng("national.namesakes")
    pool = np.flatnonzero((people["age"].to_numpy() >= 18) & ~_is_mover(people, movers))
    count = min(round(config.NAMESAKE_SHARE * len(people)), len(pool))
    rows = np.sort(rng.choice(pool, size=count, replace=False))
    return pd.DataFrame(
        {
            "national_person_id": [f"{province}-{i}" for i in people["person_id"].to_numpy()[rows]],
            "province": province,
            "destination": np.array(others, dtype=object)[rng.integers(0, len(others), count)],
            "name": people["name"].to_numpy(dtype=object)[rows],
            "birth_date": people["birth_date"].to_numpy().astype("datetime64[D]")[rows],
            "female": people["female"].to_numpy()[rows],
        },
        columns=columns,
    )


def _is_mover(people: pd.DataFrame, movers: pd.DataFrame) -> np.ndarray:
    if not len(movers):
        return np.zeros(len(people), dtype=bool)
    return np.isin(people["person_id"].to_numpy(), movers["person_id"].to_numpy())


def _plant_namesakes(
    province: str,
    people: pd.DataFrame,
    templates: pd.DataFrame,
    own_templates: pd.DataFrame,
    emigrants: pd.DataFrame,
) -> pd.DataFrame:
    """Give a person of this province the name and birth date of each template destined here: the first person
    (by person_id) of the same sex born in the same year, not yet used, not a mover nor a template itself, so
    the age barely moves. The NIK follows the new birth date, with a serial from NAMESAKE_SERIAL_BASE (unused by
    anyone else). Changes `people`; returns the pairs."""
    incoming = templates[templates["destination"] == province].sort_values("national_person_id")
    movers = emigrants[emigrants["residence_province"] == province] if len(emigrants) else emigrants
    national_id = np.array([f"{province}-{i}" for i in people["person_id"].to_numpy()], dtype=object)
    candidate = ~_is_mover(people, movers) & ~np.isin(national_id, own_templates["national_person_id"].to_numpy())
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    year = birth.astype("datetime64[Y]")
    frame = pd.DataFrame({"row": np.flatnonzero(candidate), "year": year[candidate],
                          "female": people["female"].to_numpy()[candidate]})
    keyed = {key: list(group["row"]) for key, group in frame.groupby(["year", "female"])}
    rows, template_rows = [], []
    for i, template in enumerate(incoming.itertuples(index=False)):
        pool = keyed.get((np.datetime64(template.birth_date, "Y"), template.female))
        if pool:
            rows.append(pool.pop(0))
            template_rows.append(i)
    columns = ["national_person_id_a", "national_person_id_b", "province_a", "province_b", "birth_date"]
    if not rows:
        return pd.DataFrame(columns=columns)
    chosen = incoming.iloc[template_rows]
    rows = np.array(rows)
    names = people["name"].to_numpy(dtype=object).copy()
    names[rows] = chosen["name"].to_numpy(dtype=object)
    people["name"] = pd.arrays.ArrowStringArray(pa.array(names, type=pa.string()))
    birth[rows] = chosen["birth_date"].to_numpy().astype("datetime64[D]")
    people["birth_date"] = birth.astype(people["birth_date"].dtype)
    people["age"] = age_on(birth, config.REFERENCE_DATE).astype(people["age"].dtype)
    niks = people["nik"].to_numpy().copy()
    niks[rows] = nik_numbers(
        people["nik_district_code"].to_numpy()[rows],
        birth[rows],
        people["female"].to_numpy()[rows],
        np.random.default_rng(0),  # serials in row order: nothing left to draw
        first_serial=config.NAMESAKE_SERIAL_BASE,
    )
    people["nik"] = niks
    return pd.DataFrame(
        {
            "national_person_id_a": chosen["national_person_id"].to_numpy(),
            "national_person_id_b": national_id[rows],
            "province_a": chosen["province"].to_numpy(),
            "province_b": province,
            "birth_date": birth[rows],
        },
        columns=columns,
    )


def _movers_table(emigrants: pd.DataFrame) -> pa.Table:
    """national_truth/movers.parquet: one row per person registered in another province before moving."""
    schema = pa.schema(
        [
            ("national_person_id", pa.string()),
            ("national_household_id", pa.string()),
            ("residence_province", pa.string()),
            ("origin_province", pa.string()),
            ("nik", pa.string()),
            ("nik_district_code", pa.string()),
            ("move_date", pa.date32()),
        ]
    )
    if not len(emigrants):
        return schema.empty_table()
    frame = emigrants.loc[:, list(_MOVER_COLUMNS)].copy()
    frame["nik"] = frame["nik"].astype(str)
    frame["nik_district_code"] = frame["nik_district_code"].astype(str)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
