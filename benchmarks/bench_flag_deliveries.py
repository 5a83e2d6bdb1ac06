"""The targeting flags' round trip at scale: the national pass writing one province's delivery, the same pass
finding it unchanged, and the province loading it, for a province with many flagged records.

    python benchmarks/bench_flag_deliveries.py --records 200000 [--workdir benchmarks/out/flags]

A national warehouse holding only what the writer reads (national.person_records, national.person_keys,
national.targeting_flags) is made in SQL with `--records` flagged records of province 53 (two per flagged person,
about 1 % of a 5.5-million-person province at 110,000 records), then the step is timed as the pipeline runs it. Prints
seconds, rows and the delivery's size; no timed assertions.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from datetime import date
from pathlib import Path

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.national import deliveries
from sepakat_dagster.defs.national.cluster import PERSON_KEYS
from sepakat_dagster.defs.national.nik_index import PERSON_RECORDS
from sepakat_dagster.defs.national.settings import FLAG_LISTED_ELSEWHERE
from sepakat_dagster.defs.national.targeting import TARGETING_FLAGS
from sepakat_dagster.defs.sources.loader import load_delivery


def national_warehouse(path: Path, records: int) -> None:
    with duckdb_limits.connect(path) as con:
        con.execute("create schema national")
        con.execute(f"""
            create table {PERSON_RECORDS} as
            select '53' as province_code, 'dtks_art:' || lpad((i // 2)::varchar, 15, '0') as person_id,
                case when i % 2 = 0 then 'dtks_art' else 'regsosek_individu' end as source_table,
                lpad(i::varchar, 15, '0') as record_id
            from range({records}) as r(i)
        """)
        con.execute(f"create table {PERSON_KEYS} as select distinct province_code, person_id from {PERSON_RECORDS}")
        con.execute(f"""
            create table {TARGETING_FLAGS} as
            select province_code, person_id, '75' as residence_province, '{FLAG_LISTED_ELSEWHERE}' as targeting_role
            from {PERSON_KEYS}
        """)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/flags"))
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    (args.workdir / "national").mkdir(parents=True)
    landing = args.workdir / "landing"
    landing.mkdir()
    national = args.workdir / "national" / "warehouse.duckdb"
    national_warehouse(national, args.records)

    with duckdb_limits.connect(national, read_only=True) as con:
        for attempt in ("first delivery", "unchanged"):
            started = time.perf_counter()
            delivery = deliveries.deliver(con, "53", landing, date(2026, 12, 1))
            seconds = time.perf_counter() - started
            print(f"{attempt:<16} {delivery.outcome:<10} {delivery.rows:>10,} rows {seconds:6.2f} s")
    size = (landing / delivery.file_name).stat().st_size
    print(f"delivery file    {size / 2**20:,.1f} MiB")

    province = args.workdir / "province" / "warehouse.duckdb"
    province.parent.mkdir()
    with duckdb_limits.connect(province) as con:
        started = time.perf_counter()
        result = load_delivery(con, deliveries.source(), landing)
        print(f"province load    {result.rows_loaded:>21,} rows {time.perf_counter() - started:6.2f} s")
    print(f"peak RSS         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
