"""Every dbt seed and model as a Dagster asset (group per layer), every dbt test as an asset check."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    dbt_assets,
)
from dagster_duckdb import DuckDBResource

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

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str] | None:
        return super().get_owners(dbt_resource_props) or ["team:sepakat-data"]

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        override = super().get_group_name(dbt_resource_props)
        if override:
            return override
        if dbt_resource_props["resource_type"] == "seed":
            return "agreed_metadata"
        fqn = dbt_resource_props["fqn"]
        return fqn[1] if len(fqn) > 2 else "dbt"


translator = SepakatDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def build_with_row_counts(invocation: DbtCliInvocation, warehouse: DuckDBResource) -> Iterator:
    """dbt's events with `dagster/row_count` on every seed and model.

    dbt holds the DuckDB file for as long as it runs (one writer), so the counts cannot be taken as each model
    finishes (dagster-dbt's `fetch_row_counts` would wait on the lock): the events are held until dbt exits, counted
    in one connection, then released. A failed build still reports what it built before raising.
    """
    events = list(invocation.stream())
    nodes = invocation.manifest["nodes"]
    with warehouse.get_connection() as con:
        for event in events:
            unique_id = event.metadata.get("unique_id") if isinstance(event, dg.Output | dg.AssetMaterialization) \
                else None
            node = nodes.get(unique_id.text, {}) if unique_id else {}
            if node.get("relation_name"):
                event = event.with_metadata({**event.metadata, **_table_metadata(con, node)})
            yield event
    if not invocation.is_successful():
        raise invocation.get_error()


PREVIEW_ROWS = 10


def _table_metadata(con, node: Mapping[str, Any]) -> dict:
    """Row count for every model; a preview only for models tagged `published` (aggregates, no person)."""
    relation = node["relation_name"]
    (rows,) = con.execute(f"select count(*) from {relation}").fetchone()
    metadata: dict = {"dagster/row_count": rows}
    if "published" in node.get("tags", []):
        preview = con.execute(f"select * from {relation} limit {PREVIEW_ROWS}")
        names = [d[0] for d in preview.description]
        lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in preview.fetchall()]
        metadata["preview"] = dg.MetadataValue.md("\n".join(lines))
    return metadata


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
def sepakat_dbt_harmonisation(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource):
    """Seeds, staging and intermediate models and their tests in one `dbt build`."""
    yield from build_with_row_counts(dbt.cli(["build"], context=context, raise_on_error=False), warehouse)


@dbt_assets(
    manifest=sepakat_dbt_project().manifest_path,
    project=sepakat_dbt_project(),
    dagster_dbt_translator=translator,
    select=MARTS,
    name="sepakat_dbt_marts",
    pool="duckdb",
)
def sepakat_dbt_marts(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource):
    """The marts planners read, built after the linkage; a failing error-severity test stops what follows."""
    yield from build_with_row_counts(dbt.cli(["build"], context=context, raise_on_error=False), warehouse)


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[sepakat_dbt_harmonisation, sepakat_dbt_marts],
        resources={"dbt": DbtCliResource(project_dir=sepakat_dbt_project(), dbt_executable=str(DBT_EXECUTABLE))},
    )
