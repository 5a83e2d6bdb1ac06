"""Resources of the linkage stage: where the trained model lives, and where the ground truth is (if any)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from sepakat_dagster import paths
from sepakat_dagster.defs.linkage.model import LoadedModel, load_model, model_path
from sepakat_dagster.defs.resources import located


class PersonModel(dg.ConfigurableResource):
    """The trained person model (model.json with its card): the committed one unless a path is given
    (SEPAKAT_PERSON_MODEL), e.g. to train into a scratch folder before replacing the committed model."""

    path: str = str(model_path())

    def load(self) -> LoadedModel:
        return load_model(Path(self.path))


class TruthDirectory(dg.ConfigurableResource):
    """The generator's ground truth (truth/record_map.parquet), read only by the evaluation assets.

    `path` is SEPAKAT_TRUTH, by default the truth/ folder beside the landing folder (see `paths.TRUTH`); without a
    path, or with real registries, there is none, and the evaluations say so.
    """

    path: str | None = None

    @property
    def root(self) -> Path | None:
        return Path(self.path) if self.path else None

    def available(self) -> bool:
        root = self.root
        return root is not None and (root / "record_map.parquet").exists()

    def nothing_to_evaluate(self, context: dg.AssetExecutionContext, warehouse: DuckDBResource,
                            table: str) -> dg.MaterializeResult:
        """What an evaluation asset materialises without a ground truth, as for real registries: it says so, and
        drops its table so that no stale figures are left behind."""
        with warehouse.get_connection() as con:
            con.execute(f"drop table if exists {table}")
        context.log.warning(f"No ground truth at {self.root}: nothing to evaluate {table} against")
        return dg.MaterializeResult(metadata={"ground_truth": "none", "dagster/row_count": 0})


@dg.definitions
def linkage_resources() -> dg.Definitions:
    return dg.Definitions(resources={
        "person_model": PersonModel(path=located(paths.PERSON_MODEL)),
        "truth": TruthDirectory(path=located(paths.TRUTH)),
    })
