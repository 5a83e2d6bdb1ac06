"""What the marts hold on the session's province: the hand-computed dbt unit tests pass, published cells below the
minimum count are suppressed, only the targeting list carries names and addresses, targeting lists only the
eligible, the none-of-the-registries estimate finds people who really are in none, and the demo summary."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE
from sepakat_dagster.defs.marts.evaluate import evaluate_targeting
from sepakat_dagster.defs.marts.summary import render
from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.defs.marts.helpers import MIN_CELL_COUNT, PSEUDONYM_KEY, Pipeline

PERSONAL_COLUMNS = {"full_name", "nik", "address", "birth_date", "kk_number", "rt", "rw", "name", "latitude",
                    "longitude", "patient_key", "person_id", "family_key"}
UNIT_TESTS = {
    "the_rule_and_unit_cost_in_force_apply", "households_join_the_family_their_members_live_in",
    "member_conditions_come_from_recent_evidence", "person_programme_eligibility_and_error_classification",
    "pkh_components_per_member_with_a_family_cap", "family_programme_eligibility_needs_living_members",
    "error_counts_and_rates_per_region", "budget_arithmetic_and_financing_split",
    "spm_achievement_category_and_disaggregation", "small_cells_are_suppressed_with_their_complement",
}


def test_the_hand_computed_unit_tests_pass(pipeline: Pipeline, tmp_path: Path):
    env = {**os.environ, "SEPAKAT_WAREHOUSE": str(pipeline.copy_warehouse(tmp_path / "wh")),
           "SEPAKAT_PSEUDONYM_KEY": PSEUDONYM_KEY, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    completed = subprocess.run(
        [str(DBT_EXECUTABLE), "test", "--selector", "marts", "--resource-type", "unit_test", "--project-dir",
         str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    passed = {r["unique_id"].split(".")[-1] for r in results if r["status"] == "pass"}
    assert passed >= UNIT_TESTS


def test_published_views_suppress_small_counts(pipeline: Pipeline):
    small = f"between 1 and {MIN_CELL_COUNT - 1}"
    published = pipeline.query(f"""
        select count(*) filter (where suppressed),
            count(*) filter (where not suppressed),
            count(*) filter (where not suppressed and (denominator {small} or numerator {small}
                or denominator - numerator {small})),
            count(*) filter (where suppressed and (numerator is not null or denominator is not null
                or achievement_pct is not null or category is not null))
        from marts.spm_indicators_published
    """)[0]
    assert published[0] > 0 and published[1] > 0  # both happen on a 4,000-person province
    assert published[2:] == (0, 0)
    # Every suppressed cell is small itself or the complement that keeps a total from giving one away (the
    # disclosure scan of test_disclosure.py checks every declared total).
    reasons = dict(pipeline.query("select suppression_reason, count(*) from marts.spm_indicators_published "
                                  "where suppressed group by 1"))
    assert set(reasons) <= {"small_cell", "complementary"} and reasons["small_cell"] > 0
    for view, columns in (("rad_pd_disability_by_sex", ("persons", "eligible_pbi_jk", "receiving_pbi_jk",
                                                        "in_pkh_family", "enrolled_in_school")),
                          ("hazard_households_by_decile", ("households", "persons", "households_rtlh"))):
        rows, shown, nulls = pipeline.query(f"""
            select count(*), count(*) filter (where {' and '.join(f'{c} is not null' for c in columns)}),
                count(*) filter (where {' or '.join(f'{c} is null' for c in columns)})
            from marts.{view}
        """)[0]
        assert rows > 0 and shown > 0 and nulls > 0, view
        assert pipeline.scalar(f"select count(*) from marts.{view} where "
                               + " or ".join(f"{c} {small}" for c in columns)) == 0, view
    # The internal table still has the small cells the published one hides.
    assert pipeline.scalar(f"select count(*) from marts.spm_indicators where denominator {small}") > 0


def test_only_the_targeting_list_carries_personal_columns(pipeline: Pipeline):
    columns = pipeline.query("select table_name, column_name from information_schema.columns "
                             "where table_schema = 'marts'")
    personal = {(table, column) for table, column in columns if column in PERSONAL_COLUMNS}
    assert personal and {table for table, _ in personal} == {"targeting_list"}
    keys = [row[0] for row in pipeline.query("select person_key from marts.person_registry_presence")]
    assert all(re.fullmatch("[0-9a-f]{64}", key) for key in keys)
    niks = {row[0] for row in pipeline.query("select nik from intermediate.int_marts_persons where nik is not null")}
    assert not niks & set(keys)


def test_the_targeting_list_holds_the_eligible_only(pipeline: Pipeline):
    outside = pipeline.scalar("""
        select count(*) from marts.targeting_list as l
        join intermediate.int_marts_program_rules as r on l.program = r.program and l.component = r.component
        where l.reference_decile is null or l.reference_decile > r.max_decile
            or (r.min_age_years is not null and l.age_years < r.min_age_years)
            or (r.max_age_years is not null and l.age_years > r.max_age_years)
    """)
    assert outside == 0
    statuses = dict(pipeline.query("select targeting_status, count(*) from marts.targeting_list group by 1"))
    assert statuses["continue"] > 0 and statuses["enrol"] > 0 and statuses["unknown"] > 0  # PIP: no recipient list


def test_the_none_estimate_finds_people_in_no_registry(pipeline: Pipeline):
    estimate = pipeline.scalar("select persons_in_none_estimated from marts.registry_coverage "
                               "where region_level = 'province'")
    record_map = pipeline.truth / "record_map.parquet"
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        truly_none = con.execute(f"""
            select count(*) from '{pipeline.truth / "persons.parquet"}' where alive and person_id not in (
                select person_id from '{record_map}'
                where source in ('regsosek_individu', 'dtks_art', 'p3ke_individu'))
        """).fetchone()[0]
    assert 0 < estimate <= truly_none


def test_the_evaluation_needs_the_whole_ground_truth(pipeline: Pipeline, tmp_path: Path):
    copy = pipeline.copy_warehouse(tmp_path / "wh")
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "record_map.parquet").write_bytes((pipeline.truth / "record_map.parquet").read_bytes())
    with duckdb.connect(str(copy)) as con, pytest.raises(FileNotFoundError, match=r"persons\.parquet"):
        evaluate_targeting(con, tmp_path / "truth")


def test_the_evaluation_reads_every_rule_from_the_rules_table(pipeline: Pipeline, tmp_path: Path):
    """A programme added to the rules table is evaluated with no code naming it: copies of the programmes with a
    decile band one narrower have the same recipients (receipt columns read from the rules) and fewer, but some,
    eligible units (max_decile read from the rules), on both truth bases."""
    copy = pipeline.copy_warehouse(tmp_path / "wh")
    with duckdb.connect(str(copy)) as con:
        known = {row[0] for row in con.execute(
            "select distinct program from intermediate.int_marts_program_rules where receipt_known").fetchall()}
        con.execute("""
            insert into intermediate.int_marts_program_rules
            select * replace (program || '_narrower' as program, max_decile - 1 as max_decile)
            from intermediate.int_marts_program_rules where receipt_known
        """)
        evaluate_targeting(con, pipeline.truth)
        rows = con.execute("""
            select program, basis, eligible, recipients from evaluation.targeting_vs_truth
            where region_level = 'province' and basis <> 'linked'
        """).fetchall()
    counts = {(program, basis): (eligible, recipients) for program, basis, eligible, recipients in rows}
    assert known and {program for program, _ in counts} == known | {f"{program}_narrower" for program in known}
    for (program, basis), (eligible, recipients) in counts.items():
        if program in known:
            narrower_eligible, narrower_recipients = counts[(f"{program}_narrower", basis)]
            assert narrower_recipients == recipients > 0, (program, basis)
            assert 0 < narrower_eligible < eligible, (program, basis)


def test_the_evaluation_refuses_a_member_condition_the_truth_cannot_judge(pipeline: Pipeline, tmp_path: Path):
    copy = pipeline.copy_warehouse(tmp_path / "wh")
    with duckdb.connect(str(copy)) as con:
        con.execute("update intermediate.int_marts_program_rules set member_condition = 'widowed' "
                    "where unit_kind = 'member' and receipt_known")
        with pytest.raises(ValueError, match="cannot judge member condition 'widowed'"):
            evaluate_targeting(con, pipeline.truth)


def test_the_summary_shows_programmes_and_the_spm_head(pipeline: Pipeline):
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        text = render(con)
    assert text is not None
    for label in ("PBI-JK", "PKH", "BPNT", "PIP", "net reallocation", "SPM indicators", "pend_02", "Rp"):
        assert label in text
    eligible = pipeline.scalar("select eligible from marts.targeting_errors where program = 'pbi_jk' "
                               "and component = 'all' and region_level = 'province'")
    assert f"{eligible:,}" in text
    with duckdb.connect() as empty:
        assert render(empty) is None
