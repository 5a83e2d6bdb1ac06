"""The social analyses (docs/analyses/social.md) on the session's province, against the generator's ground truth:
the RTLH verdicts of every rule set recomputed in Python from the true houses, Washington Group answers, severe
disability and the assistance it receives, out-of-school children and the health insurance of the poorest, per
true person; and the published cells are the counts of the helpers they are built from."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import yaml

from sepakat_dagster.paths import DBT_PROJECT_DIR, SEEDS_DIR
from tests.defs.marts.helpers import Pipeline

# RTLH component -> (truth column, codebook, vocabulary column): the truth holds Regsosek's codes.
TRUE_HOUSING = {
    "roof": ("roof", "codebook_roof_material", "roof_material"),
    "wall": ("wall", "codebook_wall_material", "wall_material"),
    "floor": ("floor", "codebook_floor_material", "floor_material"),
    "sanitation": ("sanitation", "codebook_sanitation_facility", "sanitation_facility"),
    "lighting": ("lighting", "codebook_lighting_source", "lighting_source"),
    "water": ("drinking_water", "codebook_drinking_water_source", "drinking_water_source"),
}
DOMAINS = ("seeing", "hearing", "walking", "remembering", "self_care", "communicating")


def _seed(path: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / path).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _regsosek_codes(codebook: str, column: str) -> dict[int, str]:
    return {int(row["source_value"]): row[column] for row in _seed(f"codebooks/{codebook}.csv")
            if row["registry"] == "regsosek"}


@contextmanager
def truth_and_warehouse(pipeline: Pipeline) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse (read-only, as `wh`) beside the truth's tables and `link`: each linked person's true person
    (the one most of its records belong to, through the record map)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{pipeline.warehouse}' as wh (read_only)")
        for name in ("persons", "households", "record_map"):
            con.execute(f"create table truth_{name} as select * from read_parquet(?)",
                        [str(pipeline.truth / f"{name}.parquet")])
        con.execute("""
            create table link as
            with votes as (
                select r.person_id, m.person_id as true_person_id, count(*) as records
                from wh.intermediate.int_marts_person_records as r
                join (select distinct registry, source_table from wh.intermediate.int_persons) as s using (registry)
                join truth_record_map as m on m.source = s.source_table and m.record_id = r.record_id
                group by all
            )
            select person_id, arg_max(true_person_id, (records, -true_person_id)) as true_person_id
            from votes group by person_id
        """)
        # True receipt as the targeting evaluation reads it: the DTKS flags of the true person's and household's
        # records (sepakat_dagster/defs/marts/evaluate.py).
        con.execute("""
            create table true_receipt as
            with pbi as (
                select m.person_id, bool_or(r.receives_pbi_jk) as receives_pbi_jk
                from wh.intermediate.int_marts_person_records as r
                join truth_record_map as m on m.source = 'dtks_art' and m.record_id = r.record_id
                where r.registry = 'dtks' group by m.person_id
            ),
            pkh as (
                select m.household_id, bool_or(h.receives_pkh) as receives_pkh
                from wh.intermediate.int_households as h
                join truth_record_map as m on m.source = h.source_table and m.record_id = h.record_id
                where h.registry = 'dtks' group by m.household_id
            )
            select p.person_id, coalesce(pbi.receives_pbi_jk, false) as receives_pbi_jk,
                coalesce(pkh.receives_pkh, false) as family_receives_pkh
            from truth_persons as p
            left join pbi on p.person_id = pbi.person_id
            left join pkh on p.household_id = pkh.household_id
        """)
        yield con
    finally:
        con.close()


def _shown_cells_differ(con: duckdb.DuckDBPyConnection, mart: str, keys: list[str], count: str,
                        expected_sql: str) -> tuple[int, int]:
    """(shown cells, shown cells that differ from the expected counts) of a published mart's province and regency
    rows; expected_sql gives province_code, regency_code (NULL for the province), the keys and `expected`."""
    join = " and ".join(f"m.{key} = e.{key}" for key in ["province_code", *keys])
    return con.execute(f"""
        select count(*), count(*) filter (where m.{count} <> coalesce(e.expected, 0))
        from wh.marts.{mart} as m
        left join ({expected_sql}) as e on {join} and m.regency_code is not distinct from e.regency_code
        where m.{count} is not null
    """).fetchone()


def test_rtlh_verdicts_of_every_rule_set_match_the_true_houses(pipeline: Pipeline):
    """Each rule set's verdict of a family's house (int_marts_family_rtlh) is the one the seeds give for the true
    house, recomputed here in Python, for families whose Regsosek record carries no injected error (floor area
    per person with the true members present at the Regsosek visit)."""
    codes = {component: _regsosek_codes(codebook, column)
             for component, (_, codebook, column) in TRUE_HOUSING.items()}
    rules = {row["rule_set"]: row for row in _seed("rules/rtlh_rule_sets.csv")}
    unfit = {(row["rule_set"], row["component"], row["category"]) for row in _seed("rules/rtlh_materials.csv")
             if row["counts_as_unfit"] == "true"}
    with truth_and_warehouse(pipeline) as con:
        flags = [name for name, kind in con.execute("select column_name, column_type from (describe truth_record_map)")
                 .fetchall() if kind == "BOOLEAN"]
        rows = con.execute(f"""
            with clean as (
                select * from truth_record_map where source = 'regsosek_keluarga' and not ({' or '.join(flags)})
            ),
            judged as (
                select v.rule_set, v.rtlh_verdict, h.record_date, clean.household_id
                from wh.intermediate.int_marts_family_rtlh as v
                join wh.intermediate.int_marts_families as f using (family_key)
                join wh.intermediate.int_households as h on h.household_record_key = f.primary_record_key
                join clean on clean.source = h.source_table and clean.record_id = h.record_id
            ),
            present as (
                select j.household_id, j.record_date, count(*) as members
                from (select distinct household_id, record_date from judged) as j
                join truth_persons as p on p.household_id = j.household_id
                    and p.birth_date <= j.record_date and (p.death_date is null or p.death_date > j.record_date)
                group by all
            )
            select j.rule_set, j.rtlh_verdict, t.floor_area_m2 / present.members,
                {', '.join(f't.{column}' for column, _, _ in TRUE_HOUSING.values())}
            from judged as j
            join present using (household_id, record_date)
            join truth_households as t using (household_id)
        """).fetchall()
    outcomes = Counter()
    for rule_set, verdict, area_per_person, *true_codes in rows:
        rule = rules[rule_set]
        failed = int(area_per_person < float(rule["min_floor_area_per_person_m2"])) + sum(
            (rule_set, component, codes[component][code]) in unfit
            for component, code in zip(TRUE_HOUSING, true_codes, strict=True))
        true_verdict = "rtlh" if failed >= int(rule["min_failed_criteria"]) else "liveable"
        outcomes[(rule_set, verdict == true_verdict)] += 1
    assert set(outcomes) == {(rule_set, True) for rule_set in rules}, outcomes
    assert min(outcomes.values()) > 500  # most of the province's ~930 families


def test_a_house_whose_unknown_criteria_could_decide_is_never_liveable(pipeline: Pipeline):
    """Under every rule set, a house is liveable only when its known failures plus its unknown criteria stay below
    the minimum; one that reaches it only with unknowns is not assessable (is_rtlh NULL), and the SPM liveable
    housing indicator leaves it out of its denominator."""
    minimum = {row["rule_set"]: int(row["min_failed_criteria"]) for row in _seed("rules/rtlh_rule_sets.csv")}
    verdicts = Counter()
    for relation, rule_set in (("intermediate.int_households", "rtlh_rule_set"),
                               ("intermediate.int_marts_family_rtlh", "rule_set")):
        for rule, failed, unknown, verdict in pipeline.query(f"""
            select {rule_set}, rtlh_failed_criteria_count,
                coalesce(len(string_split(rtlh_unassessed_criteria, ',')), 0), rtlh_verdict
            from {relation}
        """):
            expected = ("rtlh" if failed >= minimum[rule] else
                        "liveable" if failed + unknown < minimum[rule] else "not_assessable")
            assert verdict == expected, (relation, rule, failed, unknown, verdict)
            verdicts[(relation, verdict, unknown > 0)] += 1
    # P3KE families (no floor area, no lighting) are judged with unknowns: some RTLH anyway, some not assessable.
    assert verdicts[("intermediate.int_households", "not_assessable", True)] > 50
    assert verdicts[("intermediate.int_households", "rtlh", True)] > 50
    assert pipeline.scalar("select count(*) from intermediate.int_households "
                           "where (rtlh_verdict = 'not_assessable') <> (is_rtlh is null)") == 0
    denominator, assessable = pipeline.query("""
        select
            (select denominator from marts.spm_indicators where indicator_code = 'rumah_rtlh_01'
                and region_level = 'province' and disaggregation = 'total'),
            (select count(*) from intermediate.int_marts_families
                where members_living > 0 and rtlh_verdict <> 'not_assessable')
    """)[0]
    assert denominator == assessable


def test_published_rtlh_cells_are_the_family_verdicts(pipeline: Pipeline):
    """housing_rtlh_by_rule_set shows the counts of int_marts_family_rtlh, its household rows are every family
    with living members, and its disclosure declaration ties the verdicts of every rule set of the seed to them."""
    with truth_and_warehouse(pipeline) as con:
        shown, wrong = _shown_cells_differ(con, "housing_rtlh_by_rule_set", ["rule_set", "verdict"], "households", """
            select province_code, regency_code, rule_set, rtlh_verdict as verdict, count(*) as expected
            from wh.intermediate.int_marts_family_rtlh group by grouping sets (
                (province_code, rule_set, rtlh_verdict), (province_code, regency_code, rule_set, rtlh_verdict))
            union all
            select province_code, regency_code, 'all', 'all', count(*)
            from wh.intermediate.int_marts_families where members_living > 0
            group by grouping sets ((province_code), (province_code, regency_code))
        """)
    assert shown > 20 and wrong == 0
    declaration = yaml.safe_load((DBT_PROJECT_DIR / "models/marts/housing_rtlh_by_rule_set.yml").read_text(
        encoding="utf-8"))["models"][0]["config"]["meta"]["disclosure"]
    covered = {total["members"] for total in declaration["totals"]}
    assert {f"rule_set in ('{row['rule_set']}', 'all')" for row in _seed("rules/rtlh_rule_sets.csv")} <= covered


def test_washington_group_answers_are_the_true_ones(pipeline: Pipeline):
    """Each linked person's answer per domain is their true Washington Group level, and the domain table shows the
    counts of those answers at the severity the seed gives."""
    levels = _regsosek_codes("codebook_functional_difficulty", "functional_difficulty")
    level_of = "map {" + ", ".join(f"{code}: '{level}'" for code, level in levels.items()) + "}"
    differs = " or ".join(f"s.difficulty_{d} <> ({level_of})[t.wg_{d}]" for d in DOMAINS)
    with truth_and_warehouse(pipeline) as con:
        answered, wrong, persons = con.execute(f"""
            select count(*) filter (where s.difficulty_seeing is not null),
                count(*) filter (where s.difficulty_seeing is not null and ({differs})),
                count(*)
            from wh.intermediate.int_marts_social_persons as s
            join link using (person_id)
            join truth_persons as t on t.person_id = link.true_person_id
        """).fetchone()
        shown, differ = _shown_cells_differ(
            con, "rad_pd_disability_by_domain", ["domain", "severity", "sex", "age_group", "reference_decile"],
            "persons", f"""
            with answers as (
                unpivot (select province_code, regency_code, sex, age_group,
                                coalesce(cast(reference_decile as varchar), 'unknown') as reference_decile,
                                {', '.join(f'difficulty_{d} as {d}' for d in DOMAINS)}
                         from wh.intermediate.int_marts_social_persons)
                on {', '.join(DOMAINS)} into name domain value functional_difficulty
            )
            select province_code, regency_code, domain, severity, sex, age_group, reference_decile,
                count(*) as expected
            from answers join wh.reference.functional_difficulty_severity using (functional_difficulty)
            group by grouping sets ((province_code, domain, severity, sex, age_group, reference_decile),
                (province_code, regency_code, domain, severity, sex, age_group, reference_decile))
        """)
    assert answered > 0.9 * persons and wrong == 0
    assert shown > 10 and differ == 0


def test_severe_disability_and_its_assistance_match_the_truth(pipeline: Pipeline):
    """Living persons with a severe disability are the truly severely disabled, and the PKH and PBI-JK receipt the
    coverage table counts them under is their true receipt."""
    with truth_and_warehouse(pipeline) as con:
        linked, true_alive, true_all, flagged_wrongly, receipt_wrong = con.execute("""
            select
                count(*) filter (where s.has_severe_disability),
                (select count(*) from truth_persons where alive and disability_severe),
                (select count(*) from truth_persons where disability_severe),
                count(*) filter (where s.has_severe_disability <> t.disability_severe),
                count(*) filter (where s.has_severe_disability and (s.receives_pbi_jk <> r.receives_pbi_jk
                    or s.family_receives_pkh <> r.family_receives_pkh))
            from wh.intermediate.int_marts_social_persons as s
            join link using (person_id)
            join truth_persons as t on t.person_id = link.true_person_id
            join true_receipt as r on r.person_id = link.true_person_id
        """).fetchone()
        shown, differ = _shown_cells_differ(
            con, "rad_pd_disability_coverage", ["disability", "assistance"], "persons", """
            select province_code, regency_code, disability, assistance, count(*) as expected from (
                select province_code, regency_code,
                    case when has_severe_disability then 'severe_disability' else 'other_disability' end
                        as disability,
                    case when family_receives_pkh and receives_pbi_jk then 'pkh_and_pbi_jk'
                        when family_receives_pkh then 'pkh_only' when receives_pbi_jk then 'pbi_jk_only'
                        else 'neither' end as assistance
                from wh.intermediate.int_marts_social_persons where has_disability)
            group by grouping sets ((province_code, disability, assistance),
                (province_code, regency_code, disability, assistance))
        """)
    # Persons Regsosek never interviewed cannot show a Washington Group "cannot do at all"; a death no village forum
    # reported leaves the person counted as living.
    assert linked > 0 and true_alive - 3 <= linked <= true_all
    assert flagged_wrongly <= 0.002 * pipeline.scalar("select count(*) from intermediate.int_marts_social_persons")
    assert receipt_wrong == 0 and shown > 0 and differ == 0


def test_out_of_school_children_against_true_enrolment(pipeline: Pipeline):
    """Every child of 7-18 truly out of school is counted out of school, and every child counted in school truly is;
    the excess (pupils Dapodik lacks or cannot match on NIK) stays below the truly out of school."""
    with truth_and_warehouse(pipeline) as con:
        outcomes = dict(con.execute("""
            select (s.education_stage is null, t.enrolled), count(*)
            from wh.intermediate.int_marts_social_persons as s
            join link using (person_id)
            join truth_persons as t on t.person_id = link.true_person_id
            where s.age_years between 7 and 18 and t.age between 7 and 18 and t.alive
            group by all
        """).fetchall())
        shown, differ = _shown_cells_differ(
            con, "out_of_school_children", ["reference_decile", "disability"], "out_of_school", """
            select province_code, regency_code, reference_decile, disability,
                count(*) filter (where out_of_school) as expected
            from (
                select province_code, regency_code, education_stage is null as out_of_school,
                    coalesce(cast(reference_decile as varchar), 'unknown') as reference_decile,
                    case when has_disability then 'with_disability' else 'without_disability' end as disability
                from wh.intermediate.int_marts_social_persons where age_years between 7 and 18
            )
            group by grouping sets ((province_code, reference_decile, disability),
                (province_code, regency_code, reference_decile, disability))
        """)
    truly_out, counted_out_but_enrolled = outcomes.get((True, False), 0), outcomes.get((True, True), 0)
    assert truly_out > 50 and outcomes.get((False, False), 0) == 0
    assert counted_out_but_enrolled < truly_out
    assert shown > 5 and differ == 0


def test_health_insurance_of_the_poorest_matches_true_receipt(pipeline: Pipeline):
    """Persons of the PBI-JK deciles count under PBI-JK exactly when they truly receive it."""
    with truth_and_warehouse(pipeline) as con:
        persons, wrong = con.execute("""
            select count(*), count(*) filter (where s.receives_pbi_jk <> r.receives_pbi_jk)
            from wh.intermediate.int_marts_social_persons as s
            join link using (person_id)
            join true_receipt as r on r.person_id = link.true_person_id
            where s.reference_decile <= (select max(max_decile) from wh.intermediate.int_marts_program_rules
                                         where program = 'pbi_jk')
        """).fetchone()
        shown, differ = _shown_cells_differ(
            con, "health_insurance_coverage", ["reference_decile", "insurance"], "persons", """
            select province_code, regency_code, reference_decile, insurance, count(*) as expected
            from (
                select province_code, regency_code, cast(reference_decile as varchar) as reference_decile,
                    case when receives_pbi_jk then 'pbi_jk' else 'none_known' end as insurance
                from wh.intermediate.int_marts_social_persons
                where reference_decile <= (select max(max_decile) from wh.intermediate.int_marts_program_rules
                                           where program = 'pbi_jk')
            )
            group by grouping sets ((province_code, reference_decile, insurance),
                (province_code, regency_code, reference_decile, insurance))
        """)
    assert persons > 1000 and wrong <= 0.01 * persons
    assert shown > 10 and differ == 0


def test_housing_services_are_the_true_ones(pipeline: Pipeline):
    """The water, sanitation, lighting and cooking fuel each family is counted under are its true ones (families whose
    best-ranked record is a Regsosek record with no injected error), and the services table shows their counts."""
    services = {"drinking_water_source": ("drinking_water", "codebook_drinking_water_source"),
                "sanitation_facility": ("sanitation", "codebook_sanitation_facility"),
                "lighting_source": ("lighting", "codebook_lighting_source"),
                "cooking_fuel": ("cooking_fuel", "codebook_cooking_fuel")}
    with truth_and_warehouse(pipeline) as con:
        flags = [name for name, kind in con.execute("select column_name, column_type from (describe truth_record_map)")
                 .fetchall() if kind == "BOOLEAN"]
        families = """
            select f.province_code, f.regency_code, f.primary_record_key,
                coalesce(cast(f.regsosek_decile as varchar), 'unknown') as reference_decile,
                coalesce(f.drinking_water_source, 'unknown') as drinking_water_source,
                coalesce(f.sanitation_facility, 'unknown') as sanitation_facility,
                coalesce(h.lighting_source, 'unknown') as lighting_source,
                coalesce(h.cooking_fuel, 'unknown') as cooking_fuel, h.source_table, h.record_id
            from wh.intermediate.int_marts_families as f
            left join wh.intermediate.int_households as h on h.household_record_key = f.primary_record_key
            where f.members_living > 0
        """
        rows = con.execute(f"""
            select {', '.join(f'f.{s}, t.{column}' for s, (column, _) in services.items())}
            from ({families}) as f
            join truth_record_map as m on m.source = f.source_table and m.record_id = f.record_id
            join truth_households as t using (household_id)
            where m.source = 'regsosek_keluarga' and not ({' or '.join(f'm.{flag}' for flag in flags)})
        """).fetchall()
        shown, differ = _shown_cells_differ(
            con, "housing_services_by_decile", ["reference_decile", "service", "category"], "households", f"""
            with families as ({families}),
            services as (unpivot families on {', '.join(services)} into name service value category)
            select province_code, regency_code, reference_decile, service, category, count(*) as expected
            from services group by grouping sets ((province_code, reference_decile, service, category),
                (province_code, regency_code, reference_decile, service, category))
            union all
            select province_code, regency_code, reference_decile, 'all', 'all', count(*) from families
            group by grouping sets ((province_code, reference_decile), (province_code, regency_code, reference_decile))
        """)
    vocabulary = [_regsosek_codes(codebook, service) for service, (_, codebook) in services.items()]
    wrong = sum(any(row[2 * i] != codes[row[2 * i + 1]] for i, codes in enumerate(vocabulary)) for row in rows)
    assert len(rows) > 500 and wrong == 0
    assert shown > 20 and differ == 0
