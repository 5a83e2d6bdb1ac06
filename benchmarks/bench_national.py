"""The national pass's speed and memory: run each step over a folder of published province warehouses and print
its wall time and the peak resident memory of the process.

    python benchmarks/bench_national.py --provinces DIR [--workdir benchmarks/out/national]
    python benchmarks/bench_national.py --recode-from data/warehouse.duckdb --copies 5 [--fraction 1.0] \
        [--truth data/demo/truth --mover-share 0.01] [--workdir ...]

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
from sepakat_dagster.defs.national import cluster, evaluate, nik_index, predict, rollups, targeting
from sepakat_dagster.defs.national.inputs import ProvinceWarehouses, attached, province_codes
from sepakat_dagster.defs.national.settings import rollups as rollup_declarations
from sepakat_dagster.resource_usage import measure

PERSON_COLUMNS = ("person_record_key", "registry", "source_table", "record_id", "nik", "nik_is_valid",
                  "nik_birth_date", "name_normalised", "first_name", "last_name", "name_tokens_sorted", "sex",
                  "birth_date", "sex_disagrees_with_nik", "birth_date_disagrees_with_nik", "district_code",
                  "regency_code", "province_code", "record_date")


def _movers(truth: Path | None, share: float) -> str:
    """SQL: whether the source record's true person is one of the planted movers (a share of persons by hash)."""
    if truth is None or share <= 0:
        return "false"
    return f"coalesce(hash(truth.person_id::varchar || '-mover') % 1000 < {round(share * 1000)}, false)"


def recode(source: Path, copies: int, folder: Path, fraction: float = 1.0, truth: Path | None = None,
           mover_share: float = 0.0) -> Path:
    """`copies` province warehouses made from `source` under `folder/<province>/warehouse.duckdb`, each with the
    persons of a `fraction` of the source's (chosen by a hash of the person id; the marts are copied whole).

    With the source's ground truth (`truth`, its record_map.parquet folder), each copy gets its own
    `truth/record_map.parquet` (with national_person_id), and a `mover_share` of the persons of every odd copy
    are movers from the copy before it: in the odd copy they carry the earlier copy's NIK prefix and birth dates,
    and the earlier copy keeps only their DTKS records (stale). `folder/national_truth/movers.parquet` lists them.
    """
    con = duckdb_limits.connect(warehouse=folder / "x.duckdb")
    con.execute(f"attach '{source}' as source (read_only)")
    (origin,) = con.execute("select min(province_code) from source.intermediate.int_persons").fetchone()
    codes = [origin, *(code for code in province_codes() if code != origin)][:copies]
    truth_map = (f"read_parquet('{truth / 'record_map.parquet'}')" if truth else
                 "(select null::varchar as source, null::varchar as record_id, null::bigint as person_id, "
                 "false as nik_missing, false as nik_digit_error, false as nik_transposition)")
    con.execute(f"""
        create temp table source_records as
        select persons.*, clusters.person_id as cluster_id, truth.person_id as true_person_id,
            coalesce(truth.nik_missing, false) as nik_missing, coalesce(truth.nik_digit_error, false)
                as nik_digit_error, coalesce(truth.nik_transposition, false) as nik_transposition,
            {_movers(truth, mover_share)} as mover
        from source.intermediate.int_persons as persons
        join source.linkage.person_clusters as clusters using (person_record_key)
        left join {truth_map} as truth on truth.source = persons.source_table and truth.record_id = persons.record_id
        where hash(clusters.person_id) % 1000 < {round(fraction * 1000)}
    """)
    national_truth = folder / "national_truth"
    national_truth.mkdir(parents=True, exist_ok=True)
    con.execute("create temp table movers (national_person_id varchar, residence_province varchar, "
                "origin_province varchar)")
    for index, code in enumerate(codes):
        target = folder / code / "warehouse.duckdb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        con.execute(f"attach '{target}' as copy")
        moved_in = index % 2 == 1  # its movers came from the copy before it
        moves_out = index % 2 == 0 and index + 1 < len(codes)  # its movers left for the next copy
        identity = f"case when mover then {index - 1} else {index} end" if moved_in else str(index)
        issued = f"case when mover then '{codes[index - 1]}' else '{code}' end" if moved_in else f"'{code}'"
        residence = f"case when mover then '{codes[index + 1]}' else '{code}' end" if moves_out else f"'{code}'"

        def region(column: str, code: str = code) -> str:
            return f"case when {column} is not null then '{code}' || substr({column}, 3) end as {column}"

        persons = ", ".join({
            "nik": f"case when left(nik, 2) = '{origin}' then {issued} || substr(nik, 3) else nik end as nik",
            "birth_date": f"(birth_date + to_days(37 * ({identity})))::date as birth_date",
            "nik_birth_date": f"(nik_birth_date + to_days(37 * ({identity})))::date as nik_birth_date",
            "district_code": region("district_code"), "regency_code": region("regency_code"),
            "province_code": f"'{code}' as province_code",
        }.get(column, column) for column in PERSON_COLUMNS)
        kept = "not mover or registry = 'dtks'" if moves_out else "true"
        con.execute(f"""
            create temp table copy_records as
            select {persons}, cluster_id, true_person_id, nik_missing, nik_digit_error, nik_transposition,
                {residence} || '-' || true_person_id as national_person_id
            from source_records where {kept}
        """)
        con.execute("create schema copy.intermediate; create schema copy.linkage; create schema copy.marts")
        con.execute(f"create table copy.intermediate.int_persons as select {', '.join(PERSON_COLUMNS)} "
                    "from copy_records")
        con.execute("create table copy.linkage.person_clusters as select cluster_id as person_id, "
                    "person_record_key, registry, source_table, record_id from copy_records")
        if truth:
            (folder / code / "truth").mkdir(exist_ok=True)
            con.execute(f"""
                copy (select source_table as source, record_id, national_person_id, nik_missing, nik_digit_error,
                          nik_transposition from copy_records)
                to '{folder / code / 'truth' / 'record_map.parquet'}' (format parquet)
            """)
        if moves_out:
            con.execute(f"""
                insert into movers
                select distinct national_person_id, '{codes[index + 1]}', '{code}' from copy_records
                where national_person_id like '{codes[index + 1]}-%'
            """)
        con.execute("drop table copy_records")
        con.execute("create table copy.intermediate.int_marts_persons as "
                    "select person_id, person_key from source.intermediate.int_marts_persons")
        con.execute("create table copy.marts.targeting_list as "
                    "select program, person_key from source.marts.targeting_list")
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
    con.execute(f"copy movers to '{national_truth / 'movers.parquet'}' (format parquet)")
    con.close()
    return folder


def run(provinces: Path, workdir: Path) -> None:
    inputs = ProvinceWarehouses(template=str(provinces / "{province}" / "warehouse.duckdb"),
                                truth_template=str(provinces / "{province}" / "truth"),
                                national_truth=str(provinces / "national_truth"))
    warehouses = inputs.published()
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
    step("targeting_flags", with_provinces(targeting.flag))
    step("rollups", with_provinces(rollups.build_all))
    step("reconcile", on_national(rollups.reconcile))
    step("disclosure_scan", on_national(lambda con: len(rollups.disclosure_violations(con))))
    if inputs.truth():
        step("evaluation", on_national(lambda con: evaluate.evaluate(
            con, inputs.truth(), inputs.national_truth_file("movers.parquet"),
            inputs.national_truth_file("namesakes.parquet"))))
        with duckdb_limits.connect(national, read_only=True) as con:
            for row in con.execute(f"select * from {evaluate.MOVERS}").fetchall():
                print("movers", row)
    print(f"total {time.perf_counter() - started:.1f} s; national warehouse "
          f"{national.stat().st_size / 2**20:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--provinces", type=Path, help="a folder of <province>/warehouse.duckdb")
    parser.add_argument("--recode-from", type=Path, help="one published province warehouse to copy")
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the source's persons in each copy")
    parser.add_argument("--truth", type=Path, help="the source's ground truth folder (record_map.parquet)")
    parser.add_argument("--mover-share", type=float, default=0.0, help="share of persons planted as movers")
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/national"))
    args = parser.parse_args()
    provinces = args.provinces
    if args.recode_from:
        started = time.perf_counter()
        provinces = recode(args.recode_from, args.copies, args.workdir / "provinces", args.fraction,
                           args.truth, args.mover_share)
        print(f"Recoded {args.copies} provinces from {args.recode_from} in {time.perf_counter() - started:.0f} s")
    if provinces is None:
        parser.error("give --provinces or --recode-from")
    run(provinces, args.workdir)


if __name__ == "__main__":
    main()
