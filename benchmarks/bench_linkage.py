"""Linkage speed and quality: generate a province, build int_persons with dbt, link it with the committed model,
and print comparisons per second, wall time (and per million records) and precision, recall, F1 by NIK status.

    python benchmarks/bench_linkage.py --persons 200000 [--seed 42] [--threads 2] [--workdir benchmarks/out/linkage]

Goals (issue 4), at default error rates: records with a valid NIK precision >= 99.9 % and recall >= 99.5 %;
records with a missing or corrupt NIK F1 >= 0.97. Not a test: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import time
from pathlib import Path

import duckdb

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE
from sepakat_dagster.defs.linkage import cluster, deterministic, evaluate, model, predict, records
from sepakat_dagster.defs.linkage.settings import THRESHOLDS
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import load_delivery
from sepakat_dagster.paths import DBT_PROJECT_DIR
from sepakat_synthetic import generate

GOALS = {("pairwise", "nik_valid", "precision"): 0.999, ("pairwise", "nik_valid", "recall"): 0.995,
         ("pairwise", "nik_missing_or_corrupt", "f1"): 0.97}


def build_warehouse(workdir: Path, persons: int, seed: int) -> Path:
    """Generated registries loaded into raw.* and dbt's int_persons built (reused when already there)."""
    warehouse = workdir / "warehouse.duckdb"
    stamp = workdir / f"built-{persons}-{seed}"
    if stamp.exists() and warehouse.exists():
        print(f"Reusing {warehouse} ({persons:,} persons, seed {seed})")
        return warehouse
    shutil.rmtree(workdir, ignore_errors=True)
    started = time.perf_counter()
    generate(workdir, persons=persons, seed=seed)
    with duckdb.connect(str(warehouse)) as con:
        for source in load_catalog().values():
            load_delivery(con, source, workdir / "landing")
    env = {**os.environ, **duckdb_limits.environment(warehouse),
           "SEPAKAT_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run(
        [str(DBT_EXECUTABLE), "build", "--select", "+int_persons", "--exclude", "resource_type:test",
         "resource_type:unit_test", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"), "--quiet"],
        env=env, check=True,
    )
    stamp.touch()
    print(f"Generated, loaded and built int_persons for {persons:,} persons in {time.perf_counter() - started:.0f} s")
    return warehouse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads for the linkage (cores used)")
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/linkage"))
    args = parser.parse_args()

    warehouse = build_warehouse(args.workdir, args.persons, args.seed)
    trained = model.load_model()
    timings: dict[str, float] = {}
    con = records.connect(args.threads)
    try:
        started = time.perf_counter()
        staged = records.copy_from_warehouse(con, warehouse)
        timings["copy and prepare"] = time.perf_counter() - started
        t0 = time.perf_counter()
        linked = deterministic.link_on_nik(con)
        timings["deterministic NIK pass"] = time.perf_counter() - t0
        result = predict.score(con, trained)
        timings["blocking"] = result.blocking_seconds
        timings["scoring"] = result.scoring_seconds
        t0 = time.perf_counter()
        clustered = cluster.cluster(con, records.RECORDS, predict.PERSON_LINKS, THRESHOLDS.match)
        timings["clustering"] = time.perf_counter() - t0
        wall = time.perf_counter() - started
        t0 = time.perf_counter()
        rows = evaluate.evaluate(con, args.workdir / "truth")
        evaluation_seconds = time.perf_counter() - t0
    finally:
        con.close()

    print(f"\nLinkage of {staged:,} person records ({args.persons:,} persons, seed {args.seed}) with model "
          f"{trained.card.label}, {args.threads} threads")
    print(f"  deterministic pairs (trusted, unambiguous NIK): {linked['deterministic_pairs']:,}; "
          f"ambiguous NIK groups left to Splink: {linked['nik_groups_ambiguous']:,}")
    print(f"  comparisons scored: {result.comparisons:,} ({result.comparisons_per_record:.2f} per record)")
    for rule, count in result.comparisons_by_rule.items():
        print(f"    {rule:<28}{count:>12,}")
    scoring = result.comparisons / result.scoring_seconds if result.scoring_seconds else 0.0
    print(f"  comparisons per second: {scoring:,.0f} scoring only, {result.comparisons_per_second:,.0f} with "
          f"blocking ({scoring / args.threads:,.0f} per thread)")
    for step, seconds in timings.items():
        print(f"  {step:<26}{seconds:>8.1f} s")
    print(f"  linkage wall time: {wall:.1f} s -> {wall * 1_000_000 / staged:.0f} s per 1M input records "
          f"(evaluation {evaluation_seconds:.1f} s more)")
    print(f"  persons: {clustered['persons']:,}, largest cluster {clustered['largest_cluster']}; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")

    print(f"\n{'measure':<10}{'records':<26}{'precision':>11}{'recall':>10}{'F1':>10}   goal")
    for row in rows:
        cells = "".join(f"{row[m]:>{w}.4%}" if row[m] is not None else f"{'-':>{w}}"
                        for m, w in (("precision", 11), ("recall", 10), ("f1", 10)))
        goals = [f"{m} >= {g:.1%}: {'met' if row[m] >= g else 'MISSED'}"
                 for (level, segment, m), g in GOALS.items() if (level, segment) == (row["level"], row["segment"])]
        print(f"{row['level']:<10}{row['segment']:<26}{cells}   {'; '.join(goals)}")


if __name__ == "__main__":
    main()
