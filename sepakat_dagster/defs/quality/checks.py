"""One blocking great-expectations check per suite in `expectations/`, on the asset the suite names.

A failed critical expectation fails the check with ERROR severity, so nothing downstream runs in the same run;
failed warning-severity expectations show as a WARN result and do not block. Metadata carries counts and the
failed expectations by column, never a value from a personal column.

The check adds no threshold of its own: each expectation carries its threshold and the reason for it, and
`gates.py` refuses a critical one that is neither a rate (`mostly`) nor a stated invariant, so no gate here fails a
large province on a handful of records.
"""

from pathlib import Path

import dagster as dg

from sepakat_dagster.defs.quality.gates import Gate, load_gates
from sepakat_dagster.defs.quality.validate import GateOutcome, run_gate
from sepakat_dagster.defs.resources import ReportsDirectory, Warehouse
from sepakat_dagster.resource_usage import measure

CHECK_NAME = "expectations"


def _failed_table(outcome: GateOutcome) -> str:
    if not outcome.failed:
        return "Every expectation met."
    lines = ["| expectation | column | severity | observed |", "|---|---|---|---|"]
    lines += [f"| {o.expectation} | {o.column or ''} | {o.severity} | {o.observed} |" for o in outcome.failed]
    return "\n".join(lines)


def _summary(outcome: GateOutcome) -> str:
    if outcome.success and not outcome.failed:
        return f"all {len(outcome.outcomes)} expectations met"
    failed = ", ".join(f"{o.expectation}({o.column})" if o.column else o.expectation for o in outcome.failed)
    return f"{len(outcome.failed)} of {len(outcome.outcomes)} expectations failed: {failed}"[:900]


def build_gate_check(gate: Gate) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(list(gate.asset_key)),
        name=CHECK_NAME,
        description=f"great-expectations suite `{gate.suite_name}` ({gate.stage} gate, {gate.expectation_count} "
        f"expectations): {gate.description}",
        blocking=True,
        pool="duckdb",
        metadata={"suite": gate.suite_name, "suite_file": f"expectations/{gate.path.name}", "stage": gate.stage},
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse,
               reports: ReportsDirectory) -> dg.AssetCheckResult:
        with measure() as usage:
            with warehouse.get_connection() as con:
                parameters = gate.parameter_values(con)
            outcome = run_gate(gate, Path(warehouse.path), parameters, reports.root, context.run.run_id)
        critical = len(outcome.critical_failures)
        return dg.AssetCheckResult(
            passed=not outcome.failed,
            severity=dg.AssetCheckSeverity.ERROR if critical else dg.AssetCheckSeverity.WARN,
            description=_summary(outcome),
            metadata={
                "expectations": len(outcome.outcomes),
                **usage.metadata(),
                "failed_critical": critical,
                "failed_warning": len(outcome.failed) - critical,
                "failed_expectations": dg.MetadataValue.md(_failed_table(outcome)),
                **{f"parameter/{name}": value for name, value in parameters.items()},
                "data_docs": dg.MetadataValue.path(str(outcome.docs_index)),
            },
        )

    return _check


@dg.definitions
def quality_gates() -> dg.Definitions:
    return dg.Definitions(asset_checks=[build_gate_check(gate) for gate in load_gates()])
