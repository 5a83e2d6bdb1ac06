"""SPM in full and the budget corrected, on the session's province, against the generator's ground truth: the
education indicators with EMIS close the madrasah gap that Dapodik alone leaves, every catalogue indicator has a
status (computed, proxy, no source), national PBI-JK is charged to the centre only, and every unconfirmed seed
parameter reaches the mart, the budget's Dagster metadata and the report. Plus the SPM population definitions
(age bands in months, ages at the reference date, denominators) checked independently of the model."""

from __future__ import annotations

import calendar
import csv
import re
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import yaml

from sepakat_dagster.defs.reports.report import render_report
from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.defs.marts.helpers import Pipeline

SEEDS = DBT_PROJECT_DIR / "seeds"
AS_OF = date.fromisoformat(yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["as_of_date"])
# pend_02, basic education (SD/SMP or equivalent, MI/MTs in EMIS): the indicator madrasah pupils move most.
BASIC = "pend_02"


def _seed(path: str) -> list[dict[str, str]]:
    with (SEEDS / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _months(birth: date, on: date) -> int:
    """Completed months of age on a date: a month is completed on the same day of the month, or on the last day of
    a month too short to have that day (born on 31 January, a month old on 28 or 29 February)."""
    last_day = calendar.monthrange(on.year, on.month)[1]
    reached = on.day >= birth.day or on.day == last_day
    return (on.year - birth.year) * 12 + on.month - birth.month - (not reached)


def _truth_basic_rate(pipeline: Pipeline) -> tuple[float, float]:
    """(enrolled in basic education, of them in a madrasah) as shares of the living persons aged 7-15 (84-191
    months) on the reference date, from the ground truth."""
    band = _seed("marts/spm_indicator_methods.csv")
    method = next(row for row in band if row["indicator_code"] == BASIC)
    with duckdb.connect() as con:
        rows = con.execute(f"""
            select birth_date, enrolled and school_type in ('SD', 'SMP', 'SLB', 'PKBM'), madrasah
            from '{pipeline.truth / "persons.parquet"}' where alive
        """).fetchall()
    low, high = int(method["min_age_months"]), int(method["max_age_months"])
    population = [(enrolled, madrasah) for birth, enrolled, madrasah in rows if low <= _months(birth, AS_OF) <= high]
    return (sum(e for e, _ in population) / len(population),
            sum(bool(e and m) for e, m in population) / len(population))


def test_emis_closes_the_madrasah_gap_in_basic_education(pipeline: Pipeline):
    truth, in_madrasah = _truth_basic_rate(pipeline)
    with_emis, dapodik_only = pipeline.query(f"""
        select avg(population.in_numerator::int),
               avg((population.in_numerator and persons.education_source = 'dapodik')::int)
        from intermediate.int_marts_spm_population as population
        inner join intermediate.int_marts_persons as persons on population.member_key = persons.person_id
        where population.indicator_code = '{BASIC}'
    """)[0]
    published = pipeline.scalar(f"""
        select achievement_pct from marts.spm_indicators
        where region_level = 'province' and indicator_code = '{BASIC}' and disaggregation = 'total'
    """)
    assert abs(published - 100 * with_emis) < 0.01  # the mart counts what the population holds
    assert in_madrasah > 0.05  # the generator puts about a tenth of basic-school pupils in madrasah
    # Dapodik alone is low by about the madrasah share; EMIS adds most of it back, and what is left (pupils whose
    # record has no usable NIK, as in Dapodik) is less than half the gap Dapodik alone leaves.
    assert truth - dapodik_only > 0.6 * in_madrasah
    assert with_emis - dapodik_only > 0.6 * in_madrasah
    assert abs(with_emis - truth) < 0.08
    assert abs(with_emis - truth) < (truth - dapodik_only) / 2


def test_every_catalogue_indicator_is_computed_or_says_why_not(pipeline: Pipeline):
    catalogue = {row["spm_code"] for row in _seed("rules/spm_catalogue.csv")}
    methods = {row["indicator_code"]: row for row in _seed("marts/spm_indicator_methods.csv")}
    rows = {code: (status, proxy, note, needed) for code, status, proxy, note, needed in pipeline.query(
        "select indicator_code, status, is_proxy, proxy_note, source_needed from marts.spm_indicator_catalogue")}
    assert catalogue <= set(rows) and len(catalogue) == 30
    for code, (status, proxy, note, needed) in rows.items():
        seed = methods[code]
        if seed["method"] == "no_source":
            assert status == "no_source" and needed
        else:
            assert (status == "proxy") == (seed["is_proxy"] == "true") and (not proxy or note)
    # The published figures carry the same method and proxy flag.
    flags = dict(pipeline.query("select distinct indicator_code, is_proxy from marts.spm_indicators_published"))
    assert flags and all(flags[code] == (methods[code]["is_proxy"] == "true") for code in flags)
    assert {"kes_01", "pu_01"} <= {code for code, proxy in flags.items() if proxy}


def test_spm_age_bands_are_the_catalogue_ages_in_months():
    """The catalogue states ages in years ("aged 7-15"); the methods' bands are their completed months."""
    catalogue = {row["spm_code"]: row["indicator"] for row in _seed("rules/spm_catalogue.csv")}
    checked = 0
    for row in _seed("marts/spm_indicator_methods.csv"):
        ages = re.search(r"aged (\d+)-(\d+)( months)?", catalogue.get(row["indicator_code"], ""))
        if not ages or row["method"] == "no_source":
            continue
        low, high = int(ages[1]), int(ages[2])
        expected = (low, high) if ages[3] else (12 * low, 12 * (high + 1) - 1)
        assert (int(row["min_age_months"]), int(row["max_age_months"])) == expected, row["indicator_code"]
        checked += 1
    assert checked >= 7


def test_ages_in_months_and_denominators_follow_the_definitions(pipeline: Pipeline):
    persons = pipeline.query("""
        select birth_date, age_months from intermediate.int_marts_persons where birth_date is not null
    """)
    assert persons and all(months == _months(birth, AS_OF) for birth, months in persons)
    # Each person-based indicator's denominator: the living linked persons in its age band (and condition),
    # recounted here from the persons without the population model.
    for code, low, high, condition in pipeline.query("""
        select indicator_code, min_age_months, max_age_months, population_condition from reference.spm_indicator_methods
        where method in ('education', 'health_population') and population_condition in ('none', 'disability')
    """):
        expected = pipeline.scalar(f"""
            select count(*) from intermediate.int_marts_persons as persons
            inner join intermediate.int_marts_families as families using (family_key)
            where not persons.reported_deceased
                and persons.age_months >= {low} and ({high is None} or persons.age_months <= {high or 0})
                and ({condition == 'none'} or persons.has_disability)
        """)
        denominator = pipeline.scalar(f"""
            select coalesce(sum(denominator), 0) from marts.spm_indicators
            where region_level = 'province' and indicator_code = '{code}' and disaggregation = 'total'
        """)
        assert denominator == expected, code


def test_national_pbi_jk_is_charged_to_the_centre_only(pipeline: Pipeline):
    rows = pipeline.query("""
        select current_cost_idr, current_cost_central_idr, current_cost_province_idr, current_cost_regency_idr,
               cost_of_exclusion_errors_idr, cost_of_exclusion_errors_central_idr, exclusion_funding_scheme,
               savings_from_inclusion_errors_idr, savings_from_inclusion_errors_central_idr
        from marts.budget_reallocation where program = 'pbi_jk'
    """)
    assert rows and sum(r[0] for r in rows) > 0
    for current, central, province, regency, exclusion, exclusion_central, scheme, savings, savings_central in rows:
        assert (central, province, regency) == (current, 0, 0)
        assert savings_central == savings
        assert scheme == "regional" and exclusion_central == 0 <= exclusion


def _unconfirmed_seed_rows() -> dict[str, list[dict[str, str]]]:
    """Every seed row whose confirmation flag (confirmed, or *_confirmed) is false, read from the CSVs."""
    found: dict[str, list[dict[str, str]]] = {}
    for path in sorted(SEEDS.rglob("*.csv")):
        rows = _seed(str(path.relative_to(SEEDS)))
        flags = [c for c in (rows[0] if rows else {}) if c == "confirmed" or c.endswith("_confirmed")]
        for row in rows:
            for flag in flags:
                if row[flag].strip().lower() == "false":
                    found.setdefault(path.stem, []).append(row)
    return found


def test_every_unconfirmed_parameter_is_listed_in_the_mart_metadata_and_report(pipeline: Pipeline):
    expected = _unconfirmed_seed_rows()
    assert {"program_financing_shares", "program_sipd_sub_activities", "spm_indicator_methods"} <= set(expected)
    listed = dict(pipeline.query("select seed, count(*) from marts.parameters_awaiting_confirmation group by seed"))
    assert listed == {seed: len(rows) for seed, rows in expected.items()}

    budget = [event for event in pipeline.result.get_asset_materialization_events()
              if event.asset_key == dg.AssetKey(["marts", "budget_reallocation"])]
    assert budget
    metadata = budget[-1].materialization.metadata
    assert metadata["parameters_awaiting_confirmation_count"].value == sum(map(len, expected.values()))

    report = render_report(Path(pipeline.warehouse))
    section = report.split("Awaiting forum confirmation</span></h2>", 1)[1].split("<h2>", 1)[0]
    assert section.count("<tr><td>") == sum(map(len, expected.values()))
    for seed, rows in expected.items():
        assert section.count(f"<tr><td>{seed}</td>") == len(rows), seed
    assert "SPM catalogue: method, sources and proxies</span></h2>" in report
