"""The engineer's detail, in the report's appendix: every source delivery with its digest, the quarantine and its
reasons, every check's latest result, the expectation suites by stage, the linkage's quality, every moved cell,
and each published table's lineage. Counts only, never a value of a personal column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from sepakat_dagster.warehouse import fetch_dicts, has_table

STATUSES = ("SUCCEEDED", "WARNED", "FAILED", "NOT RUN")
STAGE_ORDER = ("raw", "staging", "harmonised", "linkage", "marts")


@dataclass(frozen=True)
class CheckResult:
    """The latest result of one asset check."""

    asset: str
    check: str
    status: str  # SUCCEEDED, WARNED (failed at warn severity), FAILED, NOT RUN (or another Dagster status)
    blocking: bool
    detail: str = ""


@dataclass(frozen=True)
class Lineage:
    """What one published table is built from, and the checks that guard that path."""

    asset: str
    upstream: tuple[str, ...]
    checks: tuple[str, ...]


def sources(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every source's latest delivery: file, vintage, the first 12 hex digits of its SHA-256, rows."""
    if not has_table(con, "audit", "source_loads"):
        return []
    return fetch_dicts(con, """
        select source, file_name, vintage, left(file_sha256, 12) as sha256, rows_read, rows_loaded, rows_quarantined,
               round(100.0 * rows_quarantined / nullif(rows_read, 0), 2) as share_quarantined_pct
        from audit.source_loads
        qualify row_number() over (partition by source order by loaded_at desc) = 1
        order by source
    """)


def quarantine_reasons(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Why rows were quarantined: source, field, reason, rows."""
    if not has_table(con, "audit", "quarantine"):
        return []
    return con.execute("""
        select source, coalesce(field, '(whole line)'), reason, count(distinct line_no)
        from audit.quarantine group by all order by 1, 4 desc, 2, 3
    """).fetchall()


def gate_totals(gates: Sequence[CheckResult]) -> dict[str, int]:
    """Checks per status, and all of them."""
    return {"all": len(gates), **{status: sum(g.status == status for g in gates) for status in STATUSES}}


def gate_problems(gates: Sequence[CheckResult]) -> list[CheckResult]:
    """The checks that failed or warned, failures first."""
    return sorted((g for g in gates if g.status in ("FAILED", "WARNED")),
                  key=lambda g: (g.status != "FAILED", g.asset, g.check))


def gates_per_asset(gates: Sequence[CheckResult]) -> list[tuple]:
    """Per asset: passed, warned, failed, not run, blocking."""
    by_asset: dict[str, dict[str, int]] = {}
    for gate in gates:
        counts = by_asset.setdefault(gate.asset, {})
        counts[gate.status] = counts.get(gate.status, 0) + 1
        counts["blocking"] = counts.get("blocking", 0) + gate.blocking
    return [(asset, *(c.get(s, 0) for s in STATUSES), c["blocking"]) for asset, c in sorted(by_asset.items())]


def expectation_suites(gates: Sequence[CheckResult], stages: dict[str, str]) -> list[tuple]:
    """The great-expectations suites (one check each) by stage: stage, asset, result, what failed."""
    suites = [g for g in gates if g.check == "expectations"]
    order = {stage: i for i, stage in enumerate(STAGE_ORDER)}
    suites.sort(key=lambda g: (order.get(stages.get(g.asset, ""), 9), g.asset))
    return [(stages.get(g.asset, ""), g.asset, g.status, g.detail) for g in suites]


def linkage(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The linkage's precision, recall and F1 per level and segment (against the synthetic ground truth)."""
    if not has_table(con, "linkage", "evaluation"):
        return []
    return fetch_dicts(con, """
        select level, segment, precision, recall, f1, actual, level || ' ' || segment as label, 100.0 * f1 as f1_pct
        from linkage.evaluation order by level, segment
    """)


def shown_lineage(lineage: Sequence[Lineage], publishable: set[str]) -> list[Lineage]:
    """Lineage of the publishable marts and of the other reported tables; not of internal dbt models."""
    return [item for item in lineage
            if item.asset.split("/")[0] not in ("marts", "intermediate") or item.asset.replace("/", ".") in publishable]


def spm_catalogue(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The whole SPM catalogue: each indicator's province achievement (as published), method, sources, proxy and,
    where no source supports it, why and what is needed."""
    if not has_table(con, "marts", "spm_indicator_catalogue"):
        return []
    published = has_table(con, "marts", "spm_indicators_published")
    achievement = """
        left join (
            select indicator_code, achievement_pct from marts.spm_indicators_published
            where region_level = 'province' and disaggregation = 'total'
        ) as published using (indicator_code)""" if published else ""
    return con.execute(f"""
        select catalogue.indicator_code, catalogue.indicator, catalogue.status,
               {'published.achievement_pct' if published else 'null'},
               catalogue.method, replace(catalogue.counted_sources, '|', ', '),
               case when catalogue.is_proxy then 'yes: ' || catalogue.proxy_note
                    when catalogue.status = 'no_source' then ''
                    else 'no' end,
               case when catalogue.status = 'no_source'
                    then catalogue.no_source_reason || ' Needed: ' || catalogue.source_needed end
        from marts.spm_indicator_catalogue as catalogue{achievement}
        order by catalogue.is_spm desc, catalogue.indicator_code
    """).fetchall()


def awaiting_confirmation(con: duckdb.DuckDBPyConnection) -> list[tuple] | None:
    """Every seed parameter whose confirmation flag is false (None when the table is absent)."""
    if not has_table(con, "marts", "parameters_awaiting_confirmation"):
        return None
    return con.execute("""
        select seed, confirmation_flag, parameter, valid_from, source
        from marts.parameters_awaiting_confirmation order by seed, parameter
    """).fetchall()
