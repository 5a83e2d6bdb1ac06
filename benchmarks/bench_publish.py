"""What write-audit-publish costs on a refreshed warehouse: making the candidate (a copy of the published file),
snapshotting the publishable marts into the history, and publishing (checkpoint and rename).

    python benchmarks/bench_publish.py --warehouse data/bench/p5500000/warehouse.duckdb

Works on a copy of the given warehouse in a scratch folder beside it (removed afterwards), so the warehouse itself
is not touched. Prints seconds and sizes; targets and history in docs/performance.md.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.dbt.project import sepakat_dbt_project
from sepakat_dagster.defs.publish import history
from sepakat_dagster.defs.publish.candidate import Candidate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    args = parser.parse_args()

    scratch = args.warehouse.parent / "bench_publish"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    published = scratch / args.warehouse.name
    shutil.copyfile(args.warehouse, published)
    size = published.stat().st_size
    marts = history.published_marts(history.load_manifest(sepakat_dbt_project().manifest_path))
    try:
        started = time.monotonic()
        candidate = Candidate.open(published, "bench-run")
        copy_seconds = time.monotonic() - started

        started = time.monotonic()
        with duckdb_limits.connect(candidate.database) as con:
            cells = history.snapshot(con, "bench-run", marts)
        snapshot_seconds = time.monotonic() - started

        started = time.monotonic()
        with duckdb_limits.connect(candidate.database) as con:
            history.record_publication(con, "bench-run", history.retention())
            con.execute("checkpoint")
        candidate.publish()
        publish_seconds = time.monotonic() - started
        grown = published.stat().st_size - size
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"warehouse {size / 2**20:,.0f} MiB")
    print(f"candidate copy         {copy_seconds:7.1f} s  ({size / 2**20 / max(copy_seconds, 1e-9):,.0f} MiB/s)")
    print(f"history snapshot       {snapshot_seconds:7.1f} s  ({cells:,} cells of {len(marts)} publishable marts, "
          f"+{grown / 2**20:,.1f} MiB)")
    print(f"checkpoint and publish {publish_seconds:7.1f} s")


if __name__ == "__main__":
    main()
