"""Targeting errors recomputed with the generator's ground truth, beside the linked figures in marts.targeting_errors.

Two truth-based bases, both with true identities (truth/record_map.parquet says which person and household each
registry record belongs to), true households, true deaths and true member conditions (age, pregnancy, schooling,
severe disability as of the generator's reference date):

- truth_identities: the same rules and data as the marts (the decile of the true household in the ranking the
  rule names, receipt where program_delivery records it), so the distance to `linked` is what linkage, family
  units and the sources' blind spots (people no registry lists, deaths nobody reported) cost;
- true_welfare: eligibility by the true decile instead, i.e. what the targeting errors really are when the
  registry's own ranking errs too.

Every rule comes from the warehouse's rules in force (intermediate.int_marts_program_rules) and the member
condition evidence seed, as in the marts, so a programme added to the seeds needs no change here.

Only this module (and tests) read truth/: counts, never identities, leave it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sepakat_dagster.warehouse import fetch_dicts

EVALUATION_TABLE = "evaluation.targeting_vs_truth"
BASES = ("linked", "truth_identities", "true_welfare")
# Programmes whose receipt is recorded; their programme-level units: persons for person rules, families otherwise.
MEASURES = ("eligible", "recipients", "correctly_targeted", "inclusion_errors", "inclusion_errors_not_in_reference",
            "exclusion_errors")

# What the truth records (persons.parquet columns) for the member conditions it knows directly. A condition proven
# by a Dapodik grade band (member_condition_evidence, evidence dapodik_grade) is judged on the truth's grade with
# that same band, since the generator's grades follow the national system that Dapodik grades use. A new member
# condition the truth knows neither way stops the evaluation rather than being judged wrongly.
TRUE_CONDITIONS = {
    "none": "true",
    "pregnant": "p.pregnant",
    "severe_disability": "p.disability_severe",
}
GRADE_EVIDENCE = "dapodik_grade"
# Seed values become SQL names and literals here: a value that is not a plain lower-case name is refused.
PLAIN_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Comparison:
    program: str
    linked_inclusion_rate: float | None
    truth_inclusion_rate: float | None
    linked_exclusion_rate: float | None
    truth_exclusion_rate: float | None

    @property
    def inclusion_difference(self) -> float | None:
        return _difference(self.linked_inclusion_rate, self.truth_inclusion_rate)

    @property
    def exclusion_difference(self) -> float | None:
        return _difference(self.linked_exclusion_rate, self.truth_exclusion_rate)


def _difference(linked: float | None, truth: float | None) -> float | None:
    return None if linked is None or truth is None else linked - truth


def _rules(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The rules in force of every programme whose receipt is recorded, as the marts apply them: unit kind,
    ranking, decile limit, age band, member condition and where receipt is recorded."""
    rules = fetch_dicts(con, """
        select program, component, unit_kind, ranking, max_decile, min_age_years, max_age_years, member_condition,
            receipt_source, family_receipt_column, person_receipt_column
        from intermediate.int_marts_program_rules
        where receipt_known
        order by program, component_priority
    """)
    for rule in rules:
        receipt = "person_receipt_column" if rule["unit_kind"] == "person" else "family_receipt_column"
        for field in ("ranking", "receipt_source", receipt):
            if not PLAIN_NAME.fullmatch(rule[field] or ""):
                raise ValueError(f"{rule['program']}: {field} {rule[field]!r} is not a plain name")
    return rules


def _true_conditions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Member condition -> SQL on the truth's persons (alias p): the directly known ones and the grade bands."""
    bands = con.execute("""
        select member_condition, min_value, max_value from reference.member_condition_evidence
        where evidence = ? and min_value is not null and max_value is not null
    """, [GRADE_EVIDENCE]).fetchall()
    return {**TRUE_CONDITIONS, **{condition: f"p.enrolled and p.grade between {int(low)} and {int(high)}"
                                  for condition, low, high in bands}}


def _load_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    for name in ("persons", "households", "record_map"):
        path = truth_dir / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"no ground truth at {path}")
    con.execute(f"""
        create or replace temp table truth_persons as
        select person_id, household_id, alive, age, pregnant, disability_severe, enrolled, grade, regency_code
        from read_parquet('{truth_dir / 'persons.parquet'}')
    """)
    con.execute(f"""
        create or replace temp table truth_households as
        select household_id, decile, regency_code from read_parquet('{truth_dir / 'households.parquet'}')
    """)
    con.execute(f"""
        create or replace temp table truth_records as
        select source, record_id, person_id, household_id from read_parquet('{truth_dir / 'record_map.parquet'}')
    """)


def _truth_units(con: duckdb.DuckDBPyConnection, rules: list[dict]) -> None:
    """truth_units(program, basis, unit_key, regency_code, eligible, receiving, in_reference), per programme level.

    Everything programme-specific comes from the rules: the ranking whose decile the truth-identities basis reads,
    the decile limit, the unit kind, the age bands and member conditions, and the registry and column receipt is
    recorded in, so a programme added to the seeds is evaluated with no change here.
    """
    conditions = _true_conditions(con)
    rankings = sorted({rule["ranking"] for rule in rules})
    family_receipts = sorted({(rule["receipt_source"], rule["family_receipt_column"])
                              for rule in rules if rule["unit_kind"] != "person"})
    person_receipts = sorted({(rule["receipt_source"], rule["person_receipt_column"])
                              for rule in rules if rule["unit_kind"] == "person"})
    # One pass over the registries' households for every ranking's decile and every family receipt flag.
    registry_facts = [f"min(h.registry_decile) filter (where h.registry = '{ranking}') as decile_{ranking}"
                      for ranking in rankings]
    registry_facts += [f"bool_or(h.{column}) filter (where h.registry = '{source}') as {source}_{column}"
                       for source, column in family_receipts]
    con.execute(f"""
        create or replace temp table truth_household_facts as
        with registry_facts as (
            select m.household_id, {', '.join(registry_facts)}
            from intermediate.int_households as h
            join truth_records as m on m.source = h.source_table and m.record_id = h.record_id
            group by m.household_id
        ),
        living as (
            select household_id, count(*) filter (where alive) as members_living from truth_persons group by 1
        )
        select
            h.household_id, h.regency_code, h.decile as true_decile,
            {''.join(f"r.decile_{ranking}, " for ranking in rankings)}
            {''.join(f"coalesce(r.{source}_{column}, false) as {source}_{column}, "
                     for source, column in family_receipts)}
            coalesce(living.members_living, 0) as members_living
        from truth_households as h
        left join registry_facts as r on h.household_id = r.household_id
        left join living on h.household_id = living.household_id
    """)
    if person_receipts:
        # Person receipt flags per record (int_marts_person_records), to the true person through the record map,
        # which names records by their source table.
        con.execute(f"""
            create or replace temp table truth_person_receipt as
            select m.person_id, {', '.join(
                f"bool_or(r.{column}) filter (where r.registry = '{source}') as {source}_{column}"
                for source, column in person_receipts)}
            from intermediate.int_marts_person_records as r
            join (select distinct registry, source_table from intermediate.int_persons) as s
                on r.registry = s.registry
            join truth_records as m on m.source = s.source_table and m.record_id = r.record_id
            where r.registry in ({', '.join(sorted({f"'{source}'" for source, _ in person_receipts}))})
            group by m.person_id
        """)
    parts = []
    for program in sorted({rule["program"] for rule in rules}):
        program_rules = [rule for rule in rules if rule["program"] == program]
        first = program_rules[0]  # the programme level takes the first component's fields, as the marts do
        for basis, decile in (("truth_identities", f"f.decile_{first['ranking']}"), ("true_welfare", "f.true_decile")):
            within = f"coalesce({decile} <= {int(first['max_decile'])}, false)"
            listed = f"({decile} is not null)"
            if first["unit_kind"] == "person":
                # A person programme: every rule of the programme is a way in.
                qualifies = " or ".join(f"({_person_rule_sql(rule, conditions)})" for rule in program_rules)
                receipt = f"{first['receipt_source']}_{first['person_receipt_column']}"
                parts.append(f"""
                    select '{program}' as program, '{basis}' as basis, cast(p.person_id as varchar) as unit_key,
                        p.regency_code, p.alive and ({qualifies}) and {within} as eligible,
                        coalesce(r.{receipt}, false) as receiving, {listed} as in_reference
                    from truth_persons as p
                    join truth_household_facts as f on p.household_id = f.household_id
                    left join truth_person_receipt as r on p.person_id = r.person_id
                """)
            else:
                if first["unit_kind"] == "member":
                    members = " or ".join(f"({_person_rule_sql(rule, conditions)})" for rule in program_rules)
                    qualifies = (f"exists (select 1 from truth_persons as p where p.household_id = f.household_id "
                                 f"and p.alive and ({members}))")
                else:
                    qualifies = "f.members_living > 0"
                parts.append(f"""
                    select '{program}' as program, '{basis}' as basis, cast(f.household_id as varchar) as unit_key,
                        f.regency_code, {qualifies} and {within} as eligible,
                        f.{first['receipt_source']}_{first['family_receipt_column']} as receiving,
                        {listed} as in_reference
                    from truth_household_facts as f
                """)
    con.execute("create or replace temp table truth_units as " + " union all ".join(parts))


def _person_rule_sql(rule: dict, conditions: dict[str, str]) -> str:
    if rule["member_condition"] not in conditions:
        raise ValueError(f"{rule['program']}/{rule['component']}: the ground truth cannot judge member condition "
                         f"{rule['member_condition']!r} (add it to TRUE_CONDITIONS or give it a grade band)")
    ages = []
    if rule["min_age_years"] is not None:
        ages.append(f"p.age >= {int(rule['min_age_years'])}")
    if rule["max_age_years"] is not None:
        ages.append(f"p.age <= {int(rule['max_age_years'])}")
    return " and ".join([f"coalesce({conditions[rule['member_condition']]}, false)", *ages])


def evaluate_targeting(con: duckdb.DuckDBPyConnection, truth_dir: Path | str) -> list[Comparison]:
    """Write EVALUATION_TABLE (linked and truth-based counts and rates per programme and region) in `con`, the
    warehouse; return the province-level comparison per programme."""
    truth_dir = Path(truth_dir)
    _load_truth(con, truth_dir)
    rules = _rules(con)
    _truth_units(con, rules)
    province = con.execute("""
        select province_code from marts.targeting_errors where region_level = 'province'
        group by 1 order by sum(eligible) desc limit 1
    """).fetchone()[0]
    con.execute("create schema if not exists evaluation")
    con.execute(f"""
        create or replace table {EVALUATION_TABLE} as
        with truth as (
            select
                program, basis, regency_code, grouping(regency_code) as grouping_id,
                count(*) filter (where eligible) as eligible,
                count(*) filter (where receiving) as recipients,
                count(*) filter (where eligible and receiving) as correctly_targeted,
                count(*) filter (where receiving and not eligible) as inclusion_errors,
                count(*) filter (where receiving and not eligible and not in_reference)
                    as inclusion_errors_not_in_reference,
                count(*) filter (where eligible and not receiving) as exclusion_errors
            from truth_units
            group by grouping sets ((program, basis), (program, basis, regency_code))
        ),
        unioned as (
            select
                program, basis,
                case grouping_id when 1 then 'province' else 'regency' end as region_level,
                case grouping_id when 1 then '{province}' else regency_code end as region_code,
                {', '.join(MEASURES)}
            from truth
            union all
            select program, 'linked', region_level, region_code, {', '.join(MEASURES)}
            from marts.targeting_errors
            where component = 'all' and receipt_known and region_level in ('province', 'regency')
                and province_code = '{province}'
        )
        select
            *,
            inclusion_errors / nullif(recipients, 0) as inclusion_error_rate,
            exclusion_errors / nullif(eligible, 0) as exclusion_error_rate
        from unioned
        order by program, region_level, region_code, case basis {' '.join(
            f"when '{b}' then {i}" for i, b in enumerate(BASES))} end
    """)
    rows = con.execute(f"""
        select program,
            max(inclusion_error_rate) filter (where basis = 'linked'),
            max(inclusion_error_rate) filter (where basis = 'truth_identities'),
            max(exclusion_error_rate) filter (where basis = 'linked'),
            max(exclusion_error_rate) filter (where basis = 'truth_identities')
        from {EVALUATION_TABLE}
        where region_level = 'province'
        group by program order by program
    """).fetchall()
    return [Comparison(*row) for row in rows]


def province_table(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The province rows of EVALUATION_TABLE, for metadata and the summary."""
    return fetch_dicts(con, f"""
        select program, basis, eligible, recipients, inclusion_errors, exclusion_errors,
            round(inclusion_error_rate, 4) as inclusion_error_rate,
            round(exclusion_error_rate, 4) as exclusion_error_rate
        from {EVALUATION_TABLE} where region_level = 'province'
    """)
