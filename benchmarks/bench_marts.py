"""Marts speed: the dbt marts on a generated province, timed model by model.

    python benchmarks/bench_marts.py --persons 1000000 [--workdir benchmarks/out/marts]

To time the marts alone, the linkage is replaced by the ground truth: linkage.person_clusters is written from
truth/record_map.parquet (every record with its true person), which is what a perfect Splink run would give and
takes a second instead of minutes. Everything else is the real pipeline: the ingestion loader, `dbt seed` and
`dbt run` of the harmonisation, then `dbt build` of the marts (the YAML selector marts: models, tests and unit
tests) with a throwaway pseudonym key.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import duckdb

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import load_delivery
from sepakat_dagster.paths import DBT_PROJECT_DIR
from sepakat_synthetic import generate


def dbt(args: list[str], warehouse: Path, workdir: Path) -> float:
    env = {**os.environ, **duckdb_limits.environment(warehouse),
           "SEPAKAT_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "SEPAKAT_PSEUDONYM_KEY": os.environ.get("SEPAKAT_PSEUDONYM_KEY", "benchmark-only-key-0000")}
    started = time.perf_counter()
    subprocess.run([str(DBT_EXECUTABLE), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
                    str(DBT_PROJECT_DIR), "--target-path", str(workdir / "target"), "--log-path",
                    str(workdir / "logs"), "--quiet"], env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/marts"))
    args = parser.parse_args()
    args.workdir = args.workdir.resolve()  # dbt resolves a relative --target-path against its project folder

    shutil.rmtree(args.workdir, ignore_errors=True)
    generate(args.workdir, persons=args.persons, seed=args.seed)
    warehouse = args.workdir / "warehouse.duckdb"  # the file stem is baked into dbt's compiled SQL
    with duckdb.connect(str(warehouse)) as con:
        for source in load_catalog().values():
            load_delivery(con, source, args.workdir / "landing")
    harmonisation = dbt(["seed"], warehouse, args.workdir)
    harmonisation += dbt(["run", "--selector", "harmonisation"], warehouse, args.workdir)
    record_map = args.workdir / "truth" / "record_map.parquet"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists linkage")
        con.execute(f"""
            create or replace table linkage.person_clusters as
            select p.person_record_key, 'truth:' || m.person_id as person_id, p.registry, p.source_table,
                p.record_id, count(*) over (partition by m.person_id) as cluster_size
            from intermediate.int_persons as p
            join '{record_map}' as m on m.source = p.source_table and m.record_id = p.record_id
        """)
        records = con.execute("select count(*) from linkage.person_clusters").fetchone()[0]
    marts = dbt(["build", "--selector", "marts"], warehouse, args.workdir)
    results = json.loads((args.workdir / "target" / "run_results.json").read_text())["results"]
    models = sorted(((r["execution_time"], r["unique_id"].split(".")[-1]) for r in results
                     if r["unique_id"].startswith("model.")), reverse=True)
    for seconds, name in models:
        print(f"{name:<32}{seconds:>8.1f} s")
    print(f"{args.persons:,} persons, {records:,} person records: harmonisation (dbt seed + run) "
          f"{harmonisation:.0f} s, marts (dbt build: models, tests, unit tests) {marts:.0f} s")


if __name__ == "__main__":
    main()
