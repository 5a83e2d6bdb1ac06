"""generate(): the ground truth, every registry and sector file derived from it, and the record map."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sepakat_dagster import duckdb_limits
from sepakat_synthetic import bps, dapodik, dtks, emis, health, inarisk, musdes, p3ke, places, regsosek, sipd
from sepakat_synthetic.households import build_households
from sepakat_synthetic.landing import write
from sepakat_synthetic.movers import stale_dtks_records
from sepakat_synthetic.persons import build_persons
from sepakat_synthetic.rates import ErrorRates
from sepakat_synthetic.regions import PROVINCES, villages
from sepakat_synthetic.streams import Streams
from sepakat_synthetic.truth import household_truth, person_truth, with_national_ids
from sepakat_synthetic.world import World

# DTKS before P3KE and Musdes: they reuse its coverage and program receipt.
BUILDERS = (regsosek, dtks, p3ke, dapodik, emis, health, sipd, inarisk, places, musdes, bps)


@dataclass(frozen=True)
class GenerationSummary:
    out_dir: Path
    persons: int
    households: int
    seconds: float
    files: dict[str, int] = field(default_factory=dict)  # path relative to out_dir → data rows


def check_province(province: str) -> None:
    if province not in PROVINCES:
        raise ValueError(f"unsupported province {province!r}; choose one of {sorted(PROVINCES)}")


def generate(
    out_dir: Path, persons: int, seed: int = 42, province: str = "53", error_rates: ErrorRates | None = None
) -> GenerationSummary:
    """Write landing/<registry files> and truth/*.parquet under `out_dir`; same inputs, identical bytes."""
    started = time.perf_counter()
    check_province(province)
    if persons < 1:
        raise ValueError("persons must be at least 1")
    streams = Streams(seed)
    households = build_households(province, persons, streams)
    people = build_persons(households, streams)
    return write_province(Path(out_dir), province, households, people, error_rates or ErrorRates(), streams, started)


def write_province(
    out_dir: Path,
    province: str,
    households: pd.DataFrame,
    people: pd.DataFrame,
    rates: ErrorRates,
    streams: Streams,
    started: float,
    emigrants: pd.DataFrame | None = None,
) -> GenerationSummary:
    """Every registry and truth file of one province's population. `emigrants` (national sample only): persons
    who left this province for another one of the sample, whose stale DTKS record this province still holds."""
    world = World(province, households, people, villages(province), rates, streams)
    files: dict[str, int] = {}
    maps: list[pa.Table] = []
    con = duckdb_limits.connect()
    try:
        for builder in BUILDERS:
            source_files = builder.build(world)
            if builder is dtks and emigrants is not None and len(emigrants):
                source_files = stale_dtks_records(world, emigrants, source_files)
            for source_file in source_files:
                path = write(con, out_dir / "landing", source_file)
                files[path.relative_to(out_dir).as_posix()] = source_file.rows
                if source_file.record_map is not None:
                    maps.append(with_national_ids(source_file.record_map, province))
    finally:
        con.close()

    truth_dir = out_dir / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    for name, data in (
        ("households", household_truth(households)),
        ("persons", with_national_ids(person_truth(people, households), province)),
        ("record_map", pa.concat_tables(maps)),
        ("household_zones", world.outcomes["zone_truth"]),
        ("regency_statistics", bps.regency_statistics_truth(world)),
    ):
        path = truth_dir / f"{name}.parquet"
        pq.write_table(data, path, compression="zstd")
        files[path.relative_to(out_dir).as_posix()] = data.num_rows
    return GenerationSummary(out_dir, len(people), len(households), time.perf_counter() - started, files)
