"""What the report needs from Dagster: the latest result of every check, and each published table's lineage."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from sepakat_dagster.defs.reports.report import CheckResult, Lineage


def latest_check_results(
    instance: dg.DagsterInstance, keys: Iterable[dg.AssetCheckKey]
) -> dict[dg.AssetCheckKey, tuple[str, str]]:
    """(status, description) of each check's latest execution: SUCCEEDED, FAILED, WARNED (failed at WARN
    severity), PLANNED or NOT RUN."""
    keys = list(keys)
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    results = {}
    for key in keys:
        record = latest.get(key)
        status, detail = (record.status.value if record else "NOT RUN"), ""
        if record and record.event and record.event.dagster_event:
            evaluation = record.event.dagster_event.event_specific_data
            detail = getattr(evaluation, "description", None) or ""
            if status == "FAILED" and getattr(evaluation, "severity", None) == dg.AssetCheckSeverity.WARN:
                status = "WARNED"
        results[key] = (status, detail)
    return results


def check_specs(definitions: dg.Definitions) -> list[dg.AssetCheckSpec]:
    """Every asset check of the definitions: those defined with their asset (dbt tests, conservation checks) and
    those defined on their own (great-expectations gates)."""
    owners = [*(definitions.assets or ()), *(definitions.asset_checks or ())]
    specs = {
        spec.key: spec for owner in owners if isinstance(owner, dg.AssetsDefinition) for spec in owner.check_specs
    }
    return sorted(specs.values(), key=lambda s: (s.asset_key.to_user_string(), s.name))


def collect_gates(instance: dg.DagsterInstance, definitions: dg.Definitions) -> list[CheckResult]:
    """The latest result of every check of a province's graph (the partitioned assets; the national pass's checks
    are the national warehouse's, not a province's)."""
    graph = definitions.resolve_asset_graph()
    specs = [spec for spec in check_specs(definitions)
             if graph.has(spec.asset_key) and graph.get(spec.asset_key).partitions_def is not None]
    latest = latest_check_results(instance, [spec.key for spec in specs])
    return [
        CheckResult(asset=spec.asset_key.to_user_string(), check=spec.name, status=latest[spec.key][0],
             blocking=spec.blocking, detail=latest[spec.key][1])
        for spec in specs
    ]


def collect_lineage(definitions: dg.Definitions, published: Iterable[dg.AssetKey]) -> list[Lineage]:
    """For each published table (those the definitions hold), every asset it is computed from and every check on
    the way."""
    parents = {spec.key: {dep.asset_key for dep in spec.deps} for spec in definitions.resolve_all_asset_specs()}
    checks_by_asset: dict[dg.AssetKey, list[str]] = {}
    for spec in check_specs(definitions):
        checks_by_asset.setdefault(spec.asset_key, []).append(f"{spec.asset_key.to_user_string()}:{spec.name}")
    lineage = []
    for key in sorted((k for k in published if k in parents), key=lambda k: k.to_user_string()):
        upstream = parents[key]
        seen: set[dg.AssetKey] = set()
        while upstream:  # every ancestor, not only the parents: the forum asks where a number comes from
            seen |= upstream
            upstream = {p for k in upstream for p in parents.get(k, ())} - seen
        checks = sorted(check for k in seen | {key} for check in checks_by_asset.get(k, ()))
        lineage.append(Lineage(key.to_user_string(), tuple(sorted(k.to_user_string() for k in seen)), tuple(checks)))
    return lineage
