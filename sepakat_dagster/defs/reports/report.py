"""The forum report: static HTML files that open offline in a browser, one per run (report-<run>.html, and the
latest.html a run publishes with its warehouse) and one per regency (regencies/<code>.html), in Bahasa Indonesia
and English (one file holds both; `<html lang>` picks the one shown first, a button switches).

It holds aggregates only (counts, rates, rupiah), never a NIK, name, address or geotag, and of the marts only those
dbt declares publishable (sepakat_dagster/defs/marts/disclosure.py), with their small cells suppressed in SQL. The
first screen holds what the forum decides on; the engineer's detail is the appendix. Sections appear as the tables
they read exist, so the report grows with the pipeline. The page is built from templates (render.py) with charts
from Altair (charts.py, maps.py); the data it shows are read in figures.py, published.py and appendix.py."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.reports import appendix, charts, figures, maps, render
from sepakat_dagster.defs.reports.appendix import CheckResult, Lineage
from sepakat_dagster.defs.reports.figures import Scope
from sepakat_dagster.defs.reports.published import mart_tables
from sepakat_dagster.defs.reports.settings import CHANGES_SHOWN, SUPPRESSED, initial_language
from sepakat_dagster.paths import REPO_ROOT

__all__ = ["SUPPRESSED", "CheckResult", "Lineage", "ReportFiles", "code_version", "render_report", "write_report"]

PROVINCE = Scope()
REGENCIES = "regencies"
"""The folder of the per-regency files, beside the run's file."""


def code_version() -> str:
    """The git commit the pipeline ran from, or 'unknown' outside a checkout."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"],
            capture_output=True, text=True, check=True, timeout=10,
        )
        return completed.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _first_screen(con: duckdb.DuckDBPyConnection, scope: Scope, gates: Sequence[CheckResult],
                  changes: dict | None) -> dict:
    programmes = figures.programmes(con, scope)
    shown = [row["net_reallocation_idr"] for row in programmes if row["net_reallocation_idr"] is not None]
    return {
        "programmes": programmes,
        "net_reallocation": sum(shown) if shown else None,
        "registry_gap": figures.registry_gap(con, scope),
        "spm_categories": figures.spm_categories(con, scope),
        "gates": appendix.gate_totals(gates),
        "quarantine": figures.quarantine(con),
        "changes": changes,
    }


def _specs(con: duckdb.DuckDBPyConnection, scope: Scope, first: dict, proposals: dict | None,
           sources: list[dict], linkage: list[dict]) -> dict[str, dict | None]:
    """Every chart and map of the document, by name: {language: Vega-Lite spec}, or None when it has no data."""
    return {
        "programme_errors": charts.grouped_bars(
            first["programmes"], "program_label", ["exclusion_error_units", "inclusion_error_units"],
            "chart.programme_errors", "chart.units", "col.programme", value_format=",d"),
        "hexagons": maps.hex_map(figures.hexagons(con, scope), "map.title_regency" if scope.regency else "map.title",
                                 villages=figures.villages(con, scope)),
        "spm_categories": charts.bars(first["spm_categories"], "category_label", "indicators", "chart.spm_categories",
                                      "chart.indicators", "chart.category", value_format=",d", sort=None),
        "spm_achievement": charts.bars(figures.spm_achievement(con, scope), "indicator", "achievement_pct",
                                       "chart.spm_achievement", "chart.percent", "col.indicator", sort="ascending"),
        "scorecard": charts.bars(proposals["scorecard"], "regency", "score", "chart.scorecard", "chart.score",
                                 "col.regency", sort=None) if proposals else None,
        "quarantine": charts.bars(sources, "source", "share_quarantined_pct", "chart.quarantine", "chart.percent",
                                  "col.source", sort="ascending"),
        "linkage_f1": charts.bars(linkage, "label", "f1_pct", "chart.linkage_f1", "chart.percent", "col.segment",
                                  sort="ascending"),
    }


def build(con: duckdb.DuckDBPyConnection, gates: Sequence[CheckResult] = (), lineage: Sequence[Lineage] = (),
          run_id: str | None = None, suite_stages: dict[str, str] | None = None, data_docs: str | None = None,
          language: str | None = None, scope: Scope = PROVINCE, warehouse_name: str = "",
          changes: dict | None = None) -> str:
    """The document of one scope, from an open (read-only) connection to the warehouse; `changes`: what moved
    since the previous published run (figures.changes, read once for the run's every file)."""
    changes = figures.changes_in(changes, scope)
    first = _first_screen(con, scope, gates, changes)
    proposals = figures.village_proposals(con, scope)
    sources, linkage = appendix.sources(con), appendix.linkage(con)
    marts = mart_tables(con, scope)
    catalogue = appendix.spm_catalogue(con) if scope.regency is None else []
    context = {
        "language": initial_language(language),
        "scope": scope,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "run_id": run_id or "",
        "code_version": code_version(),
        "warehouse_name": warehouse_name,
        "first": first,
        "maps": {"hexagons": True},
        "proposals": proposals,
        "marts": marts,
        "regencies": figures.regencies(con) if scope.regency is None else [],
        "spm_catalogue": [(*row[:3], SUPPRESSED if row[3] is None and row[2] != "no_source" else row[3], *row[4:])
                          for row in catalogue],
        "catalogue_counts": Counter(row[2] for row in catalogue),
        "awaiting": appendix.awaiting_confirmation(con) if scope.regency is None else None,
        "sources": sources,
        "reasons": appendix.quarantine_reasons(con),
        "gates": list(gates),
        "gate_totals": appendix.gate_totals(gates),
        "problems": appendix.gate_problems(gates),
        "per_asset": appendix.gates_per_asset(gates),
        "suites": appendix.expectation_suites(gates, suite_stages or {}),
        "data_docs": data_docs,
        "linkage": linkage,
        "changes": changes,
        "changes_shown": CHANGES_SHOWN,
        "lineage": appendix.shown_lineage(lineage, {table.relation for table in marts}),
    }
    specs = _specs(con, scope, first, proposals, sources, linkage)
    context["maps"] = {"hexagons": bool(specs["hexagons"])}
    return render.render(context, {name: spec for name, spec in specs.items() if spec})


def render_report(
    warehouse: Path, gates: Sequence[CheckResult] = (), lineage: Sequence[Lineage] = (), run_id: str | None = None,
    suite_stages: dict[str, str] | None = None, data_docs: str | None = None, language: str | None = None,
    scope: Scope = PROVINCE,
) -> str:
    """The province's document (or `scope`'s regency's) from the warehouse file."""
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        return build(con, gates, lineage, run_id, suite_stages, data_docs, language, scope, warehouse.name,
                     figures.changes(con, run_id))


def _write(document: str, target: Path) -> None:
    """Written whole, then renamed into place: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(document, encoding="utf-8")
    partial.replace(target)


@dataclass(frozen=True)
class ReportFiles:
    """What `write_report` wrote: the run's file, latest.html (or where it was staged) and each regency's file."""

    path: Path
    latest: Path
    regencies: tuple[Path, ...]


def write_report(
    warehouse: Path, out_dir: Path, gates: Sequence[CheckResult] = (), lineage: Sequence[Lineage] = (),
    run_id: str | None = None, suite_stages: dict[str, str] | None = None, latest: Path | None = None,
    language: str | None = None, stage: Callable[[Path], Path] | None = None,
) -> ReportFiles:
    """Write report-<run>.html into `out_dir`, beside the great-expectations Data Docs the gates built there, the
    same document to latest.html and each regency's to regencies/<code>.html. `stage` maps a published path to
    where this run writes it (a run stages latest.html and the regencies folder to be published with its
    warehouse, each once); `latest` overrides where latest.html goes."""
    stage = stage or (lambda path: path)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = "data_docs/index.html" if (out_dir / "data_docs" / "index.html").exists() else None
    path = out_dir / f"report-{(run_id or 'manual')[:8]}.html"
    latest = latest or stage(out_dir / "latest.html")
    regencies = []
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        changes = figures.changes(con, run_id)
        document = build(con, gates, lineage, run_id, suite_stages, docs, language, PROVINCE, warehouse.name, changes)
        for target in (path, latest):
            _write(document, target)
        regency_dir = stage(out_dir / REGENCIES)
        for scope in figures.regencies(con):
            regency_docs = f"../{docs}" if docs else None
            regencies.append(regency_dir / f"{scope.regency}.html")
            _write(build(con, gates, lineage, run_id, suite_stages, regency_docs, language, scope, warehouse.name,
                         changes), regencies[-1])
    return ReportFiles(path, latest, tuple(regencies))
