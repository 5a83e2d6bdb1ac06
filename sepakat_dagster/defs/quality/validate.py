"""Run one gate: its suite against its table in the warehouse, with results and Data Docs kept on disk.

Results carry counts, shares and aggregates only: the run asks great-expectations for no unexpected values at
all (`partial_unexpected_count: 0`), and `gates.py` allows only count-type expectations on personal columns. The
Data Docs site accumulates every run's results, so a forum can page back through earlier nights, and its pages
load nothing from the web (`data_docs`), so they open offline.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.quality.gates import Gate, GateDefinitionError

RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0}
DATA_DOCS_SITE = "sepakat_quality"
# Runs of each suite kept in the stores and Data Docs: a month of nightly refreshes. The site's index is rebuilt
# from every stored result after each suite, so an unbounded history would slow every night a little more.
KEEP_RUNS = 31


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    severity: str
    success: bool
    observed: str


@dataclass(frozen=True)
class GateOutcome:
    suite_name: str
    outcomes: tuple[ExpectationOutcome, ...]
    docs_index: Path

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)

    @property
    def critical_failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.failed if o.severity == "critical")

    @property
    def success(self) -> bool:
        return not self.critical_failures


def _observed(gate: Gate, column: str | None, result: dict, exception: dict | None) -> str:
    """One short line a forum can read; for a personal column only counts and shares."""
    if exception and exception.get("raised_exception"):
        message = (exception.get("exception_message") or "error").splitlines()[0]
        return f"could not be evaluated: {message[:160]}"
    if "unexpected_count" in result:
        share = result.get("unexpected_percent") or 0.0
        text = f"{result['unexpected_count']:,} of {result.get('element_count', 0):,} rows unexpected ({share:.2f}%)"
        if result.get("missing_count"):
            text += f", {result['missing_count']:,} missing"
        return text
    observed = result.get("observed_value")
    if gate.is_personal(column) and not isinstance(observed, int | float):
        return "observed value withheld (personal column)"
    return str(observed)[:160]


def data_docs_dir(quality_dir: Path) -> Path:
    return quality_dir / "data_docs"


def prune_history(quality_dir: Path, suite_name: str, keep: int = KEEP_RUNS) -> None:
    """Drop all but the newest `keep` runs of one suite from the result store and the Data Docs."""
    import shutil

    stored = quality_dir / "gx_stores" / "uncommitted" / "validations" / suite_name
    if not stored.is_dir():
        return
    runs = sorted((p for p in stored.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for run in runs[keep:]:
        shutil.rmtree(run)
        shutil.rmtree(data_docs_dir(quality_dir) / "validations" / suite_name / run.name, ignore_errors=True)


def _context(quality_dir: Path):
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        FilesystemStoreBackendDefaults,
        ProgressBarsConfig,
    )

    from sepakat_dagster.defs.quality.data_docs.views import site_builder_config

    config = DataContextConfig(
        store_backend_defaults=FilesystemStoreBackendDefaults(root_directory=str(quality_dir / "gx_stores")),
        # Offline pages: our own views and templates, no CDN (see defs/quality/data_docs).
        data_docs_sites={DATA_DOCS_SITE: site_builder_config(data_docs_dir(quality_dir))},
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def build_suite(gate: Gate):
    """The great-expectations suite; an expectation it cannot build is an error, not a log line."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(**{k: v for k, v in gate.suite.items() if k in ("name", "expectations", "meta")})
    if len(suite.expectations) != gate.expectation_count:
        unknown = {e["type"] for e in gate.suite["expectations"]} - {e.expectation_type for e in suite.expectations}
        raise GateDefinitionError(f"{gate.path.name}: great-expectations cannot build {', '.join(sorted(unknown))}")
    return suite


def run_gate(gate: Gate, database: Path, parameters: dict, quality_dir: Path, run_name: str) -> GateOutcome:
    """Validate `gate.table` in `database`; the connection is closed again before this returns."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    from sepakat_dagster.defs.quality.data_docs.views import install_assets
    from sepakat_dagster.defs.quality.gx_duckdb import register_datasource_type

    register_datasource_type()  # the sepakat_duckdb datasource type, used below
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = _context(quality_dir)
    # The pipeline's memory limit and spill folder, like every other connection (duckdb_limits).
    datasource = context.data_sources.add_sepakat_duckdb(
        name="warehouse", connection_string=f"duckdb:///{database}",
        kwargs={"connect_args": {"config": duckdb_limits.limits(database).config()}},
    )
    # A query asset: the table asset ignores schema_name on DuckDB.
    asset = datasource.add_query_asset(name=gate.suite_name, query=f"select * from {gate.table}")
    batch = asset.add_batch_definition_whole_table("whole_table")
    suite = context.suites.add_or_update(build_suite(gate))
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=gate.suite_name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
        name=gate.suite_name,
        validation_definitions=[validation],
        actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DATA_DOCS_SITE])],
        result_format=RESULT_FORMAT,
    ))
    prune_history(quality_dir, gate.suite_name, keep=KEEP_RUNS - 1)
    site = data_docs_dir(quality_dir)
    site_predates_assets = install_assets(site) and (site / "index.html").exists()
    try:
        result = checkpoint.run(
            expectation_parameters=parameters, run_id=RunIdentifier(run_name=run_name)
        )
    finally:
        datasource.get_execution_engine().engine.dispose()
        datasource.get_engine().dispose()
    if site_predates_assets:
        # Pages built before the offline templates still load CDN assets: rebuild them all once from the stores.
        context.build_data_docs(site_names=[DATA_DOCS_SITE])
    outcomes = []
    for suite_result in result.run_results.values():
        for r in suite_result.results:
            config = r.expectation_config
            column = config.kwargs.get("column")
            outcomes.append(ExpectationOutcome(
                expectation=config.type,
                column=column,
                severity=config.severity.value,
                success=bool(r.success),
                observed=_observed(gate, column, r.result or {}, r.exception_info),
            ))
    return GateOutcome(gate.suite_name, tuple(outcomes), data_docs_dir(quality_dir) / "index.html")
