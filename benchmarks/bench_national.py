"""The national pass's speed and memory: run each step over a folder of published province warehouses and print
its wall time and the peak resident memory of the process.

    python benchmarks/bench_national.py --provinces DIR [--workdir benchmarks/out/national]
    python benchmarks/bench_national.py --recode-from data/warehouse.duckdb --copies 5 [--fraction 1.0] [--workdir ...]

DIR holds `<province>/warehouse.duckdb` (a generated national sample's layout). Without a national sample,
`--recode-from` makes `--copies` provinces out of one published province warehouse: each copy takes another
province's code (NIKs issued in the source province, region codes) and shifts every birth date by 37 days per
copy, so that copies do not share people; a stress test of volume, not a sample with movers. The steps run
outside Dagster on the national warehouse file directly (no candidate copy), as the assets call them. Not a
test: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.linkage.model import load_model
from sepakat_dagster.defs.national import cluster, nik_index, predict, rollups, targeting
from sepakat_dagster.defs.national.inputs import ProvinceWarehouses, attached, province_codes
from sepakat_dagster.defs.national.settings import rollups as rollup_declarations
from sepakat_dagster.resource_usage import measure

PERSON_COLUMNS = ("person_record_key", "registry", "source_table", "record_id", "nik", "nik_is_valid",
                  "nik_birth_date", "name_normalised", "first_name", "last_name", "name_tokens_sorted", "sex",
                  "birth_date", "sex_disagrees_with_nik", "birth_date_disagrees_with_nik", "district_code",
                  "regency_code", "province_code", "record_date")


def recode(source: Path, copies: int, folder: Path, fraction: float = 1.0) -> Path:
    """`copies` province warehouses made from `source` under `folder/<province>/warehouse.duckdb`, each with the
    persons of a `fraction` of the source's (chosen by a hash of the person id; the marts are copied whole)."""
    con = duckdb_limits.connect(warehouse=folder / "x.duckdb")
    con.execute(f"attach '{source}' as source (read_only)")
    (origin,) = con.execute("select min(province_code) from source.intermediate.int_persons").fetchone()
    codes = [origin, *(code for code in province_codes() if code != origin)][:copies]
    for index, code in enumerate(codes):
        target = folder / code / "warehouse.duckdb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        con.execute(f"attach '{target}' as copy")
        shift = f"interval {37 * index} day"

        def region(column: str, code: str = code) -> str:
            return f"case when {column} is not null then '{code}' || substr({column}, 3) end as {column}"

        persons = ", ".join({
            "nik": f"case when left(nik, 2) = '{origin}' then '{code}' || substr(nik, 3) else nik end as nik",
            "birth_date": f"(birth_date + {shift})::date as birth_date",
            "nik_birth_date": f"(nik_birth_date + {shift})::date as nik_birth_date",
            "district_code": region("district_code"), "regency_code": region("regency_code"),
            "province_code": f"'{code}' as province_code",
        }.get(column, column) for column in PERSON_COLUMNS)
        con.execute("create schema copy.intermediate; create schema copy.linkage; create schema copy.marts")
        kept = f"hash(person_id) % 1000 < {round(fraction * 1000)}"
        con.execute(f"create table copy.linkage.person_clusters as select * from source.linkage.person_clusters "
                    f"where {kept}")
        con.execute(f"create table copy.intermediate.int_persons as select {persons} "
                    "from source.intermediate.int_persons "
                    "where person_record_key in (select person_record_key from copy.linkage.person_clusters)")
        for rollup in rollup_declarations():
            con.execute(f"""
                create table copy.{rollup.source} as
                select * replace (
                    case when province_code is not null then '{code}' end as province_code,
                    {region('region_code')},
                    {region('regency_code')})
                from source.{rollup.source}
            """)
        con.execute("detach copy")
    con.close()
    return folder


def run(provinces: Path, workdir: Path) -> None:
    warehouses = ProvinceWarehouses(template=str(provinces / "{province}" / "warehouse.duckdb")).published()
    national = workdir / "national" / "warehouse.duckdb"
    shutil.rmtree(national.parent, ignore_errors=True)
    national.parent.mkdir(parents=True)
    print(f"{len(warehouses)} provinces: {', '.join(sorted(warehouses))}")

    def step(name: str, work) -> None:
        with measure() as usage:
            figures = work()
        print(f"{name:<22} {usage.seconds:8.1f} s  peak {usage.peak_mib or 0:8,.0f} MiB  {figures}", flush=True)

    def with_provinces(work):
        def inner():
            con = duckdb_limits.connect(national)
            try:
                with attached(con, warehouses) as catalogs:
                    return work(con, catalogs)
            finally:
                con.close()
        return inner

    def on_national(work):
        def inner():
            con = duckdb_limits.connect(national)
            try:
                return work(con)
            finally:
                con.close()
        return inner

    started = time.perf_counter()
    step("person_records", with_provinces(nik_index.copy_records))
    step("nik_index", on_national(nik_index.build))
    model = load_model()
    step("scored_pairs", lambda: vars(predict.score(national, model)))
    step("person_keys", on_national(cluster.link))
    step("targeting_flags", on_national(targeting.flag))
    step("rollups", with_provinces(rollups.build_all))
    step("reconcile", on_national(rollups.reconcile))
    step("disclosure_scan", on_national(lambda con: len(rollups.disclosure_violations(con))))
    print(f"total {time.perf_counter() - started:.1f} s; national warehouse "
          f"{national.stat().st_size / 2**20:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--provinces", type=Path, help="a folder of <province>/warehouse.duckdb")
    parser.add_argument("--recode-from", type=Path, help="one published province warehouse to copy")
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the source's persons in each copy")
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/national"))
    args = parser.parse_args()
    provinces = args.provinces
    if args.recode_from:
        started = time.perf_counter()
        provinces = recode(args.recode_from, args.copies, args.workdir / "provinces", args.fraction)
        print(f"Recoded {args.copies} provinces from {args.recode_from} in {time.perf_counter() - started:.0f} s")
    if provinces is None:
        parser.error("give --provinces or --recode-from")
    run(provinces, args.workdir)


if __name__ == "__main__":
    main()
