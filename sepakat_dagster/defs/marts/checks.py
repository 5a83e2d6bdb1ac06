"""Reconciliation checks on the dbt marts (asset keys marts/<name>): identities that must hold exactly, such as
sum over regencies = province total, eligible = correctly targeted + exclusion errors, recipients = correctly
targeted + inclusion errors, net reallocation = savings - cost of exclusion. Blocking: the exports and the
evaluation do not run on marts that do not add up. Metadata carries counts of breaking rows and the region or
programme of the first one, never a person.

Zero tolerance on purpose: each identity is arithmetic the mart's own SQL guarantees whatever the registries deliver,
so one breaking row is a bug in a model, not a bad record, at 4,000 persons as at 5.5 million. Rates computed in
SQL are compared within 1e-12 and shares within 1e-9 (floating point), counts and amounts exactly."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from sepakat_dagster.defs.marts import reconcile

DESCRIPTIONS = {
    "targeting_errors": "eligible = correctly targeted + exclusion errors, recipients = correctly targeted + inclusion "
    "errors (= not eligible + not in reference), rates = errors / base, for each ranking; districts sum to their "
    "regency and regencies to the province.",
    "budget_reallocation": "net = savings - cost of exclusion; current - savings + cost of exclusion = target; "
    "financing parts sum to the whole and shares to one; regencies sum to the province.",
    "registry_coverage": "linked = in three + two + one; each count is its combinations; regencies sum to the "
    "province.",
    "spm_indicators": "numerator within denominator; achievement = numerator / denominator; each disaggregation sums "
    "to the total; districts sum to their regency and regencies to the province.",
    "person_registry_presence": "every linked person exactly once; registries_listing matches the flags.",
    "targeting_list": "one row per eligible unit and component; the families listed are the eligible families.",
}
INVARIANT = " Invariants of the mart's SQL: one breaking row is a bug, so none is tolerated."


def _markdown(result: reconcile.Reconciliation) -> str:
    lines = ["| identity | breaking rows | first breaking row |", "|---|---|---|"]
    lines += [f"| {name} | {count:,} | {result.examples.get(name, '')} |"
              for name, count in result.breaking_rows.items()]
    return "\n".join(lines)


def build_reconciliation_check(mart: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", mart]),
        name="reconciles",
        description=DESCRIPTIONS[mart] + INVARIANT,
        blocking=True,
        pool="duckdb",
    )
    def _check(warehouse: DuckDBResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            result = reconcile.RECONCILIATIONS[mart](con)
        return dg.AssetCheckResult(
            passed=result.passed,
            metadata={
                "identities_checked": len(result.breaking_rows),
                "identities_broken": sum(1 for count in result.breaking_rows.values() if count),
                "breaking_rows": sum(result.breaking_rows.values()),
                "identities": dg.MetadataValue.md(_markdown(result)),
            },
        )

    return _check


RECONCILIATION_CHECKS = [build_reconciliation_check(mart) for mart in reconcile.RECONCILIATIONS]


@dg.definitions
def marts_checks() -> dg.Definitions:
    return dg.Definitions(asset_checks=RECONCILIATION_CHECKS)
