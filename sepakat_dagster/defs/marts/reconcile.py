"""Reconciliation queries over the marts: each returns how many rows break an identity that must hold exactly.

Run by the asset checks in sepakat_dagster/defs/marts/checks.py after every build. Only counts leave this module
(and the region or programme of a breaking row, never a person).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

RANKING_PREFIXES = ("", "dtks_ranking_", "p3ke_ranking_")
TARGETING_COUNTS = (
    *(f"{prefix}{measure}"
      for prefix in RANKING_PREFIXES
      for measure in ("eligible", "correctly_targeted", "inclusion_errors", "inclusion_errors_not_eligible",
                      "inclusion_errors_not_in_reference", "exclusion_errors")),
    "recipients",
)
BUDGET_AMOUNTS = (
    "eligible_units", "recipient_units", "exclusion_error_units", "inclusion_error_units", "current_cost_idr",
    "target_cost_idr", "cost_of_exclusion_errors_idr", "savings_from_inclusion_errors_idr", "net_reallocation_idr",
    "current_cost_central_idr", "current_cost_province_idr", "current_cost_regency_idr",
    "net_reallocation_central_idr", "net_reallocation_province_idr", "net_reallocation_regency_idr",
)
COVERAGE_COUNTS = (
    "persons_linked", "persons_in_three", "persons_in_two", "persons_in_one", "persons_in_none_estimated",
    "in_regsosek", "in_dtks", "in_p3ke", "only_regsosek", "only_dtks", "only_p3ke", "regsosek_and_dtks_only",
    "regsosek_and_p3ke_only", "dtks_and_p3ke_only", "sector_people_checked", "sector_records_without_nik",
)


@dataclass
class Reconciliation:
    """Breaking rows per identity; passed when every count is zero."""

    table: str
    breaking_rows: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)  # identity -> a breaking row's keys (no personal data)

    @property
    def passed(self) -> bool:
        return not any(self.breaking_rows.values())


def _count(con: duckdb.DuckDBPyConnection, violations_sql: str) -> tuple[int, str]:
    rows = con.execute(f"select * from ({violations_sql}) limit 1").fetchall()
    count = con.execute(f"select count(*) from ({violations_sql})").fetchone()[0]
    return count, ", ".join(str(value) for value in rows[0]) if rows else ""


def _reconcile(con: duckdb.DuckDBPyConnection, table: str, checks: dict[str, str]) -> Reconciliation:
    """Run every identity's violation query on `table`'s result."""
    result = Reconciliation(table)
    for name, sql in checks.items():
        result.breaking_rows[name], result.examples[name] = _count(con, sql)
    return result


def _hierarchy_sql(table: str, keys: tuple[str, ...], measures: tuple[str, ...], child: str, parent: str,
                   parent_code: str) -> str:
    """Parent rows whose measures differ from the sum of their children's (rows missing on either side count)."""
    key_columns = "".join(f"{k}, " for k in keys)
    sums = ", ".join(f"sum({m}) as {m}" for m in measures)
    differs = " or ".join(f"p.{m} is distinct from c.{m}" for m in measures)
    join = " and ".join([*(f"p.{k} is not distinct from c.{k}" for k in keys),
                         "p.code is not distinct from c.code"])
    return f"""
        with children as (
            select {key_columns}{parent_code} as code, {sums} from {table} where region_level = '{child}'
            group by all
        ),
        parents as (
            select {key_columns}region_code as code, {', '.join(measures)} from {table}
            where region_level = '{parent}'
        )
        select {''.join(f'coalesce(p.{k}, c.{k}) as {k}, ' for k in keys)}coalesce(p.code, c.code) as region_code
        from parents as p full outer join children as c on {join}
        where p.code is null and c.code is not null and ({' or '.join(f'c.{m} <> 0' for m in measures)})
            or c.code is null and p.code is not null and ({' or '.join(f'p.{m} <> 0' for m in measures)})
            or (p.code is not null and c.code is not null and ({differs}))
    """


def targeting_errors(con: duckdb.DuckDBPyConnection) -> Reconciliation:
    checks = {}
    for prefix in RANKING_PREFIXES:
        name = prefix.removesuffix("_") or "reference_ranking"
        checks[f"eligible_is_correct_plus_exclusion ({name})"] = f"""
            select program, component, region_level, region_code from marts.targeting_errors
            where receipt_known and {prefix}eligible <> {prefix}correctly_targeted + {prefix}exclusion_errors"""
        checks[f"recipients_are_correct_plus_inclusion ({name})"] = f"""
            select program, component, region_level, region_code from marts.targeting_errors
            where receipt_known and recipients <> {prefix}correctly_targeted + {prefix}inclusion_errors"""
        checks[f"inclusion_is_not_eligible_plus_not_in_reference ({name})"] = f"""
            select program, component, region_level, region_code from marts.targeting_errors
            where receipt_known and {prefix}inclusion_errors
                <> {prefix}inclusion_errors_not_eligible + {prefix}inclusion_errors_not_in_reference"""
    checks["rates_are_errors_over_their_base"] = """
        select program, component, region_level, region_code from marts.targeting_errors
        where receipt_known and (
            abs(coalesce(inclusion_error_rate, 0) - coalesce(inclusion_errors / nullif(recipients, 0), 0)) > 1e-12
            or abs(coalesce(exclusion_error_rate, 0) - coalesce(exclusion_errors / nullif(eligible, 0), 0)) > 1e-12)"""
    keys = ("program", "component")
    checks["regencies_sum_to_the_province"] = _hierarchy_sql(
        "marts.targeting_errors", keys, TARGETING_COUNTS, "regency", "province", "province_code")
    checks["districts_sum_to_their_regency"] = _hierarchy_sql(
        "marts.targeting_errors", keys, TARGETING_COUNTS, "district", "regency", "regency_code")
    return _reconcile(con, "marts.targeting_errors", checks)


def budget_reallocation(con: duckdb.DuckDBPyConnection) -> Reconciliation:
    checks = {
        "net_is_savings_minus_cost_of_exclusion": """
            select program, region_level, region_code from marts.budget_reallocation
            where net_reallocation_idr <> savings_from_inclusion_errors_idr - cost_of_exclusion_errors_idr""",
        "current_minus_savings_plus_exclusion_is_target": """
            select program, region_level, region_code from marts.budget_reallocation
            where current_cost_idr - savings_from_inclusion_errors_idr + cost_of_exclusion_errors_idr
                <> target_cost_idr""",
        "financing_parts_sum_to_the_whole": """
            select program, region_level, region_code from marts.budget_reallocation
            where current_cost_central_idr + current_cost_province_idr + current_cost_regency_idr <> current_cost_idr
                or net_reallocation_central_idr + net_reallocation_province_idr + net_reallocation_regency_idr
                    <> net_reallocation_idr""",
        "financing_shares_sum_to_one": """
            select program, region_level, region_code from marts.budget_reallocation
            where abs(central_share + province_share + regency_share - 1) > 1e-9""",
        "regencies_sum_to_the_province": _hierarchy_sql(
            "marts.budget_reallocation", ("program",), BUDGET_AMOUNTS, "regency", "province", "province_code"),
    }
    return _reconcile(con, "marts.budget_reallocation", checks)


def registry_coverage(con: duckdb.DuckDBPyConnection) -> Reconciliation:
    checks = {
        "linked_is_three_plus_two_plus_one": """
            select region_level, region_code from marts.registry_coverage
            where persons_linked <> persons_in_three + persons_in_two + persons_in_one""",
        "one_registry_is_the_three_onlys": """
            select region_level, region_code from marts.registry_coverage
            where persons_in_one <> only_regsosek + only_dtks + only_p3ke""",
        "two_registries_are_the_three_pairs": """
            select region_level, region_code from marts.registry_coverage
            where persons_in_two <> regsosek_and_dtks_only + regsosek_and_p3ke_only + dtks_and_p3ke_only""",
        "each_registry_is_its_combinations": """
            select region_level, region_code from marts.registry_coverage
            where in_regsosek <> only_regsosek + regsosek_and_dtks_only + regsosek_and_p3ke_only + persons_in_three
                or in_dtks <> only_dtks + regsosek_and_dtks_only + dtks_and_p3ke_only + persons_in_three
                or in_p3ke <> only_p3ke + regsosek_and_p3ke_only + dtks_and_p3ke_only + persons_in_three""",
        "regencies_sum_to_the_province": _hierarchy_sql(
            "marts.registry_coverage", (), COVERAGE_COUNTS, "regency", "province", "province_code"),
    }
    return _reconcile(con, "marts.registry_coverage", checks)


def spm_indicators(con: duckdb.DuckDBPyConnection) -> Reconciliation:
    keys = ("indicator_code", "disaggregation", "disaggregation_value")
    checks = {
        "numerator_within_denominator": """
            select region_level, region_code, indicator_code, disaggregation, disaggregation_value
            from marts.spm_indicators where numerator < 0 or numerator > denominator""",
        "achievement_is_numerator_over_denominator": """
            select region_level, region_code, indicator_code, disaggregation, disaggregation_value
            from marts.spm_indicators
            where achievement_pct is distinct from floor(10000.0 * numerator / nullif(denominator, 0)) / 100""",
        "each_disaggregation_sums_to_the_total": """
            with totals as (
                select region_level, region_code, indicator_code, numerator, denominator from marts.spm_indicators
                where disaggregation = 'total'
            ),
            parts as (
                select region_level, region_code, indicator_code, disaggregation, sum(numerator) as numerator,
                    sum(denominator) as denominator
                from marts.spm_indicators where disaggregation <> 'total' group by all
            )
            select parts.region_level, parts.region_code, parts.indicator_code, parts.disaggregation
            from parts join totals
                on parts.region_level = totals.region_level
                and parts.region_code is not distinct from totals.region_code
                and parts.indicator_code = totals.indicator_code
            where parts.numerator <> totals.numerator or parts.denominator <> totals.denominator""",
        "regencies_sum_to_the_province": _hierarchy_sql(
            "marts.spm_indicators", keys, ("numerator", "denominator"), "regency", "province", "province_code"),
        "districts_sum_to_their_regency": _hierarchy_sql(
            "marts.spm_indicators", keys, ("numerator", "denominator"), "district", "regency", "regency_code"),
    }
    return _reconcile(con, "marts.spm_indicators", checks)


def person_registry_presence(con: duckdb.DuckDBPyConnection) -> Reconciliation:
    checks = {
        "every_linked_person_once": """
            select 'persons' as what, (select count(*) from marts.person_registry_presence) as presence,
                (select count(distinct person_id) from linkage.person_clusters) as linked
            where presence <> linked""",
        "registries_listing_matches_the_flags": """
            select region_code from (select regency_code as region_code, * from marts.person_registry_presence)
            where registries_listing <> cast(in_regsosek as int) + cast(in_dtks as int) + cast(in_p3ke as int)""",
    }
    return _reconcile(con, "marts.person_registry_presence", checks)


def targeting_list(con: duckdb.DuckDBPyConnection) -> Reconciliation:
    checks = {
        "one_row_per_eligible_unit": """
            with listed as (
                select program, component, count(*) as rows from marts.targeting_list group by all
            ),
            eligible as (
                select program, component, count(*) as rows from intermediate.int_marts_program_units
                where eligible and component <> 'all' group by all
            )
            select coalesce(l.program, e.program), coalesce(l.component, e.component)
            from listed as l full outer join eligible as e on l.program = e.program and l.component = e.component
            where l.rows is distinct from e.rows""",
        "families_listed_are_the_eligible_families": """
            with listed as (
                select program, count(distinct household_key) as families from marts.targeting_list
                where unit_kind in ('family', 'member') group by all
            ),
            eligible as (
                select program, eligible as families from marts.targeting_errors
                where component = 'all' and region_level = 'province' and unit_kind = 'family'
            )
            select l.program from listed as l
            join (select program, sum(families) as families from eligible group by all) as e on l.program = e.program
            where l.families <> e.families""",
    }
    return _reconcile(con, "marts.targeting_list", checks)


RECONCILIATIONS = {
    "targeting_errors": targeting_errors,
    "budget_reallocation": budget_reallocation,
    "registry_coverage": registry_coverage,
    "spm_indicators": spm_indicators,
    "person_registry_presence": person_registry_presence,
    "targeting_list": targeting_list,
}
