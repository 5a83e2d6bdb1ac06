"""Every dbt seed and model as a Dagster asset (group per layer), every dbt test as an asset check."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE, sepakat_dbt_project


class SepakatDbtTranslator(DagsterDbtTranslator):
    """Keys are <schema>/<name>, so dbt sources meet the raw/<source> loader assets; groups follow the layer.

    A model can override its group (or anything else) in its yml under `meta: dagster:`; no names are listed here.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        meta_key = dbt_resource_props.get("meta", {}).get("dagster", {}).get("asset_key")
        if meta_key:
            return dg.AssetKey(meta_key)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        override = super().get_group_name(dbt_resource_props)
        if override:
            return override
        if dbt_resource_props["resource_type"] == "seed":
            return "agreed_metadata"
        fqn = dbt_resource_props["fqn"]
        return fqn[1] if len(fqn) > 2 else "dbt"


translator = SepakatDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


# Marts read the Splink clusters, which read int_persons: two dbt steps, one each side of the linkage.
MARTS = "path:models/marts"


@dbt_assets(
    manifest=sepakat_dbt_project().manifest_path,
    project=sepakat_dbt_project(),  # path: selectors resolve against the project, not the working directory
    dagster_dbt_translator=translator,
    exclude=MARTS,
    name="sepakat_dbt_harmonisation",
    pool="duckdb",
)
def sepakat_dbt_harmonisation(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Seeds, staging and intermediate models and their tests in one `dbt build`."""
    yield from dbt.cli(["build"], context=context).stream()


@dbt_assets(
    manifest=sepakat_dbt_project().manifest_path,
    project=sepakat_dbt_project(),
    dagster_dbt_translator=translator,
    select=MARTS,
    name="sepakat_dbt_marts",
    pool="duckdb",
)
def sepakat_dbt_marts(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """The marts planners read, built after the linkage; a failing error-severity test stops what follows."""
    yield from dbt.cli(["build"], context=context).stream()


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[sepakat_dbt_harmonisation, sepakat_dbt_marts],
        resources={"dbt": DbtCliResource(project_dir=sepakat_dbt_project(), dbt_executable=str(DBT_EXECUTABLE))},
    )
