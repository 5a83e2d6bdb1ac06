"""The generator's ground truth, and the assets that measure the pipeline against it.

Only synthetic provinces have a ground truth (truth/record_map.parquet): it says which records are the same
person and what each person's true decile is. The linkage and the targeting errors are each evaluated against it
by an asset made here, so that both behave alike: without a ground truth, as for real registries, the asset says
so and drops its table (no stale figures are left behind); with one, it reports its seconds and peak memory and
where the truth came from.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from sepakat_dagster import paths
from sepakat_dagster.defs.partitions import run_province
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.resource_usage import measure

# What an evaluation returns: the rows it wrote and the figures to show as metadata.
Evaluate = Callable[[Warehouse, Path], tuple[int, dict]]


class TruthDirectory(dg.ConfigurableResource):
    """The generator's ground truth (truth/record_map.parquet), read only by the evaluation assets.

    `path` is SEPAKAT_TRUTH, by default the truth/ folder beside the landing folder (see `paths.TRUTH`); without a
    path, or with real registries, there is none, and the evaluations say so.
    """

    path: str | None = None
    _province: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._province = run_province(context.run)

    @property
    def root(self) -> Path | None:
        """The truth folder of the run's province (`path` may hold `{province}`), if any."""
        return paths.fill_province(self.path, self._province, paths.TRUTH.variable) if self.path else None

    def available(self) -> bool:
        root = self.root
        return root is not None and (root / "record_map.parquet").exists()


def evaluation_asset(key: dg.AssetKey, deps: Sequence[dg.AssetKey], evaluate: Evaluate, table: str,
                     **asset_options) -> dg.AssetsDefinition:
    """An asset that runs `evaluate(warehouse, truth folder)`, which writes `table`, when there is a ground truth.

    Its description is `evaluate`'s docstring; `asset_options` (group, kinds, pool, owners) go to `dg.asset`.
    """

    @dg.asset(key=key, deps=deps, description=evaluate.__doc__, **asset_options)
    def _evaluation(context: dg.AssetExecutionContext, warehouse: Warehouse,
                    truth: TruthDirectory) -> dg.MaterializeResult:
        if not truth.available():
            with warehouse.get_connection() as con:
                con.execute(f"drop table if exists {table}")
            context.log.warning(f"No ground truth at {truth.root}: nothing to evaluate {table} against")
            return dg.MaterializeResult(metadata={"ground_truth": "none", "dagster/row_count": 0})
        with measure() as usage:
            rows, figures = evaluate(warehouse, truth.root)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": rows, **usage.metadata(), "ground_truth": str(truth.root), **figures})

    return _evaluation
