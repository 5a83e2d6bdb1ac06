"""Ingestion speed: load every source of a generated province into a fresh warehouse and print rows per second.

    python benchmarks/bench_ingest.py --persons 1000000 [--workdir benchmarks/out]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from pathlib import Path

import duckdb

from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import find_landed_file, load_source
from sepakat_synthetic import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/ingest"))
    args = parser.parse_args()

    shutil.rmtree(args.workdir, ignore_errors=True)
    generate(args.workdir, persons=args.persons, seed=args.seed)
    warehouse = args.workdir / "warehouse.duckdb"
    total_rows, started = 0, time.perf_counter()
    with duckdb.connect(str(warehouse)) as con:
        for source in load_catalog().values():
            landed = find_landed_file(source, args.workdir / "landing")
            t0 = time.perf_counter()
            result = load_source(con, source, landed)
            seconds = time.perf_counter() - t0
            total_rows += result.rows_read
            print(f"{source.name:<24}{result.rows_read:>11,} rows {seconds:>7.2f} s"
                  f"{result.rows_read / seconds:>12,.0f} rows/s  quarantined {result.rows_quarantined:,}")
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total: {total_rows:,} rows in {seconds:.1f} s ({total_rows / seconds:,.0f} rows/s) "
          f"for {args.persons:,} persons; peak RSS {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
