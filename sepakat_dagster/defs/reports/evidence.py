"""What the report needs from Dagster: the latest result of every check, and each published table's lineage."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg
from dagster._core.definitions.assets.graph.asset_graph import AssetGraph

from sepakat_dagster.defs.reports.report import Gate, Lineage


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


def collect_gates(instance: dg.DagsterInstance, graph: AssetGraph) -> list[Gate]:
    keys = sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name))
    return [
        Gate(asset=key.asset_key.to_user_string(), check=key.name, status=status,
             blocking=graph.get_check_spec(key).blocking, detail=detail)
        for key, (status, detail) in latest_check_results(instance, keys).items()
    ]


def collect_lineage(graph: AssetGraph, published: Iterable[dg.AssetKey]) -> list[Lineage]:
    lineage = []
    for key in sorted(published, key=lambda k: k.to_user_string()):
        upstream = graph.get(key).parent_keys
        seen: set[dg.AssetKey] = set()
        while upstream:  # every ancestor, not only the parents: the forum asks where a number comes from
            seen |= upstream
            upstream = {p for k in upstream for p in graph.get(k).parent_keys} - seen
        path = seen | {key}
        checks = sorted(
            f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys if c.asset_key in path
        )
        lineage.append(Lineage(key.to_user_string(), tuple(sorted(k.to_user_string() for k in seen)), tuple(checks)))
    return lineage
