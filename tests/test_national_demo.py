"""Three small provinces end to end as partitions, then the national pass: the operator's own command,
`sepakat demo --provinces 53,75,31`, on a national sample the generator plants movers and namesakes in.

One demo serves every test here (about 5 minutes on 2 cores): each province is a partition run of `refresh` into
its own warehouse, and the national pass reads the three published warehouses.
"""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from sepakat_dagster.defs.national import evaluate
from sepakat_dagster.defs.national.settings import NATION, rollups
from tests.test_cli import PSEUDONYM_KEY, VENV_BIN, write_instance

PROVINCES = ("53", "75", "31")
PERSONS = 1500  # per province: enough movers (dozens) and every mart; small enough for the suite
DEMO_TIMEOUT_S = 1800  # a guard against a hung run, not a speed goal
MOVERS_LINKED_AT_LEAST = 0.9  # movers found whole across provinces; measured 1.0 at this size (docs/national.md)


@dataclass
class NationalDemo:
    data: Path
    home: Path
    completed: subprocess.CompletedProcess

    def warehouse(self, province: str) -> Path:
        return self.data / "provinces" / province / "warehouse.duckdb"

    @property
    def national(self) -> Path:
        return self.data / "national" / "warehouse.duckdb"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> NationalDemo:
    folder = tmp_path_factory.mktemp("national_demo")
    home = folder / "dagster_home"
    write_instance(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEPAKAT_", "DAGSTER_"))} | {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "DAGSTER_HOME": str(home),
        "SEPAKAT_PSEUDONYM_KEY": PSEUDONYM_KEY}
    completed = subprocess.run(
        [str(VENV_BIN / "sepakat"), "demo", "--provinces", ",".join(PROVINCES), "--persons", str(PERSONS),
         "--data-dir", str(folder / "data")],
        cwd=folder, env=env, capture_output=True, text=True, timeout=DEMO_TIMEOUT_S)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return NationalDemo(folder / "data", home, completed)


def test_each_province_is_a_partition_run_into_its_own_warehouse_then_the_national_pass(demo: NationalDemo):
    with dg.DagsterInstance.from_config(str(demo.home)) as instance:
        refreshes = instance.get_run_records(dg.RunsFilter(job_name="refresh"))
        nationals = instance.get_run_records(dg.RunsFilter(job_name="national"))
    assert sorted(r.dagster_run.tags["dagster/partition"] for r in refreshes) == sorted(PROVINCES)
    assert {r.dagster_run.status for r in [*refreshes, *nationals]} == {dg.DagsterRunStatus.SUCCESS}
    assert len(nationals) == 1
    assert nationals[0].create_timestamp > max(r.create_timestamp for r in refreshes)
    for province in PROVINCES:
        with duckdb.connect(str(demo.warehouse(province)), read_only=True) as con:
            assert con.execute("select distinct province_code from intermediate.int_persons "
                               "where province_code is not null").fetchall() == [(province,)]
    assert "National pass" in demo.completed.stdout


def test_a_planted_mover_is_one_national_person_across_provinces(demo: NationalDemo):
    with duckdb.connect(str(demo.national), read_only=True) as con:
        figures = dict(con.execute(f"select segment, recall from {evaluate.MOVERS}").fetchall())
        links = dict(con.execute("select method, count(*) from national.cross_province_links group by 1").fetchall())
    assert figures["all"] >= MOVERS_LINKED_AT_LEAST
    assert links.get("nik", 0) > 0 and links.get("probabilistic", 0) > 0  # the NIK pass and Splink both link


def test_a_nik_issued_in_another_province_of_the_sample_is_valid_and_reported(demo: NationalDemo):
    movers = pq.read_table(demo.data / "demo" / "national_truth" / "movers.parquet").to_pandas()
    for province in PROVINCES:
        niks = movers.loc[movers["residence_province"] == province, "nik"].tolist()
        assert niks
        with duckdb.connect(str(demo.warehouse(province)), read_only=True) as con:
            valid, outside, found = con.execute("""
                select count(*) filter (where nik_is_valid), count(*) filter (where nik_registered_outside_province),
                    count(*)
                from intermediate.int_persons where registry = 'regsosek' and nik in (select unnest($niks))
            """, {"niks": niks}).fetchone()
        assert found and valid == outside  # every mover's valid NIK is one issued outside the province
        assert valid / found > 0.95  # the rest carry an injected NIK error


def test_national_totals_equal_the_sum_of_the_province_warehouses_totals(demo: NationalDemo):
    for rollup in rollups():
        for measure in rollup.count_columns:
            with duckdb.connect(str(demo.national), read_only=True) as con:
                (national,) = con.execute(
                    f"select sum({measure}) from {rollup.table} where region_level = '{NATION}'").fetchone()
            provinces = 0
            for province in PROVINCES:
                with duckdb.connect(str(demo.warehouse(province)), read_only=True) as con:
                    # Every row of the province's warehouse counts, the members of quarantined household
                    # rows (no known region) included: the warehouse serves this province only.
                    (total,) = con.execute(f"select coalesce(sum({measure}), 0) from marts.{rollup.mart} "
                                           "where region_level = 'province'").fetchone()
                provinces += total
            assert national == provinces, (rollup.mart, measure)
