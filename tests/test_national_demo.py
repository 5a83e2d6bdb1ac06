"""Three small provinces end to end as partitions, then the national pass: the operator's own command,
`sepakat demo --provinces 53,75,31`, on a national sample the generator plants movers and namesakes in.

One demo serves every test here (about 5 minutes on 2 cores): each province is a partition run of `refresh` into
its own warehouse, and the national pass reads the three published warehouses. Most of the suite runs the graph on
Nusa Tenggara Timur (53) only, so region seeds, crosswalks, codebooks or gates that silently assume NTT would pass
there and break the first refresh of another province: the per-province tests below, on Gorontalo (75) and Jakarta
(31) as much as on NTT, are what catch them.
"""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from sepakat_dagster.defs.dbt.assets import target_path
from sepakat_dagster.defs.national import evaluate
from sepakat_dagster.defs.national.settings import NATION, rollups
from sepakat_dagster.defs.quality.gates import load_gates
from sepakat_dagster.defs.sources.catalog import load_catalog
from tests.defs.marts.helpers import identity_tests
from tests.test_cli import PSEUDONYM_KEY, VENV_BIN, write_instance

PROVINCES = ("53", "75", "31")
PERSONS = 1500  # per province: enough movers (dozens) and every mart; small enough for the suite
DEMO_TIMEOUT_S = 1800  # a guard against a hung run, not a speed goal
MOVERS_LINKED_AT_LEAST = 0.9  # movers found whole across provinces; measured 1.0 at this size (docs/national.md)
GATES = ("expectations", "rows_conserved")
# dbt tests declared `severity: warn` because the generator plants broken rows (0.05 %) that the loader
# quarantines: the members of a quarantined household row have no household, hence no village.
EXPECTED_WARNINGS = {
    "relationships_stg_regsosek__persons__household_id",
    "relationships_stg_dtks__persons__household_id",
    "relationships_stg_p3ke__persons__family_id",
    "relationships_int_persons__household_record_key",
    "not_null_int_persons__village_code",
    "share_failing_below_int_marts_welfare_families__village_code",
}


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

    def query(self, province: str, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse(province)), read_only=True) as con:
            return con.execute(sql).fetchall()

    def check_evaluations(self, province: str) -> list[dg.AssetCheckEvaluation]:
        """Every check evaluated by the province's refresh run, read back from the run's events."""
        with dg.DagsterInstance.from_config(str(self.home)) as instance:
            (run,) = instance.get_run_records(dg.RunsFilter(job_name="refresh",
                                                            tags={"dagster/partition": province}))
            entries = instance.all_logs(run.dagster_run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        return [entry.dagster_event.asset_check_evaluation_data for entry in entries]


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


@pytest.mark.parametrize("province", PROVINCES)
def test_every_gate_and_identity_of_each_province_ran_and_passed(demo: NationalDemo, province: str):
    evaluations = demo.check_evaluations(province)
    by_name = {name: [e for e in evaluations if e.check_name == name] for name in GATES}
    assert len(by_name["expectations"]) == len(load_gates())
    assert len(by_name["rows_conserved"]) == len(load_catalog())
    # The marts' reconciliation identities, dbt tests, each ran (and passed, below).
    assert {e.check_name for e in evaluations} >= identity_tests().keys()
    failed = {f"{e.asset_key.to_user_string()}:{e.check_name}": e.description for e in evaluations
              if not e.passed and not (e.severity == dg.AssetCheckSeverity.WARN and e.check_name in EXPECTED_WARNINGS)}
    assert not failed


@pytest.mark.parametrize("province", PROVINCES)
def test_the_regions_and_most_niks_are_the_provinces_own(demo: NationalDemo, province: str):
    for table in ("intermediate.int_households", "intermediate.int_persons", "marts.person_registry_presence"):
        regencies = {row[0] for row in demo.query(
            province, f"select distinct regency_code from {table} where regency_code is not null")}
        assert regencies, table
        assert all(code.startswith(province) for code in regencies), (table, sorted(regencies))
    # NIKs are issued where a person was first registered: the province's own, but for the movers' (up to 8 % of
    # a city's households moved in from another province) and the digit errors planted in a few.
    (own_share,) = demo.query(province, f"select avg(cast(nik_region_code like '{province}%' as int)) "
                                        "from intermediate.int_persons where nik_region_code is not null")[0]
    assert own_share > 0.85


@pytest.mark.parametrize("province", PROVINCES)
def test_each_provinces_records_are_linked(demo: NationalDemo, province: str):
    ((records, persons),) = demo.query(province, "select count(*), count(distinct person_id) "
                                                 "from linkage.person_clusters")
    assert records == demo.query(province, "select count(*) from intermediate.int_persons")[0][0]
    # The registries overlap (DTKS and P3KE list many Regsosek persons again): linking must merge their records.
    assert persons < 0.8 * records


@pytest.mark.parametrize("mart", ["targeting_list", "spm_indicators_published", "budget_reallocation"])
@pytest.mark.parametrize("province", PROVINCES)
def test_the_marts_are_filled_for_the_provinces_regencies(demo: NationalDemo, province: str, mart: str):
    column = "regency_code" if mart == "targeting_list" else "region_code"
    level = "" if mart == "targeting_list" else "and region_level = 'regency'"
    # A NULL region is the bucket of members whose household row the loader quarantined (planted broken rows).
    regencies = {row[0] for row in demo.query(
        province, f"select distinct {column} from marts.{mart} where {column} is not null {level}")}
    generated = {row[0] for row in demo.query(
        province, "select distinct regency_code from intermediate.int_households where regency_code is not null")}
    assert regencies, mart
    assert regencies <= generated, (mart, sorted(regencies - generated))
    assert demo.query(province, f"select count(*) from marts.{mart} where province_code <> '{province}'") == [(0,)]


@pytest.mark.parametrize("province", PROVINCES)
def test_each_provinces_quality_report_is_written(demo: NationalDemo, province: str):
    reports = demo.warehouse(province).parent / "reports"
    document = (reports / "latest.html").read_text(encoding="utf-8")
    assert "Expectation suites by stage" in document
    assert (reports / "data_docs" / "index.html").exists()


def test_the_marts_build_reuses_the_parse_of_the_harmonisation_build(demo: NationalDemo):
    # Both dbt builds of a warehouse share one target folder, so only the first parses the project in full (the
    # manifest `make` prepared was parsed for another warehouse file); the second reuses its partial-parse state.
    log = last_invocation_log(target_path(str(demo.warehouse("75"))))
    assert "--selector marts" in log  # after dagster-dbt's default --select fqn:*, which dbt ignores beside it
    assert '"name": "UnableToPartialParse"' not in log


def last_invocation_log(target: Path) -> str:
    """The JSON log lines of the last dbt command run with this target folder. dbt rotates dbt.log at 10 MB into
    dbt.log.1 (newest) ... dbt.log.5, and a marts build's log is larger than that: the parts are read oldest first
    and cut at the last command's start."""
    parts = [*sorted(target.glob("dbt.log.*"), key=lambda path: -int(path.suffix[1:])), target / "dbt.log"]
    log = "".join(part.read_text() for part in parts)
    return log[log.rfind('"name": "MainReportVersion"'):]
