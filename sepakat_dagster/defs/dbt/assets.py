"""Every dbt seed and model as a Dagster asset (group per layer), every dbt test as an asset check."""

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    dbt_assets,
)

from sepakat_dagster import duckdb_limits, paths
from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE, sepakat_dbt_project
from sepakat_dagster.defs.marts.disclosure import is_publishable
from sepakat_dagster.defs.metadata import markdown_table
from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.personal import is_personal_column
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.resource_usage import Usage, measure


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


def build_with_row_counts(invocation: DbtCliInvocation, warehouse: Warehouse) -> Iterator:
    """dbt's events with `dagster/row_count` on every seed and model.

    dbt holds the DuckDB file for as long as it runs (one writer), so the counts cannot be taken as each model
    finishes (dagster-dbt's `fetch_row_counts` would wait on the lock): the models' events are held until dbt exits,
    counted in one connection, then released. The tests' results need no count and go out as they arrive, so that
    Dagster records them while dbt still runs: recorded after dbt, a province's 420 harmonisation checks added
    38 s to the step (5.5 million persons; the step took 211 s, now 178 s). A failed build still reports what it
    built before raising.
    """
    nodes = invocation.manifest["nodes"]
    held = []
    with measure() as usage:  # dbt runs in a child process: the peak covers it
        for event in invocation.stream():
            node = _counted_node(event, nodes)
            if node:
                held.append((event, node))
            else:
                yield event
    with warehouse.get_connection() as con:
        for event, node in held:
            metadata = {**event.metadata, **_table_metadata(con, node)}
            yield event.with_metadata({**metadata, **_speed_metadata(metadata, usage)})
    if not invocation.is_successful():
        raise invocation.get_error()


def _counted_node(event: Any, nodes: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The manifest node of a seed or model that `event` reports built (a table or view to count), else None."""
    if not isinstance(event, dg.Output | dg.AssetMaterialization):
        return None
    unique_id = event.metadata.get("unique_id")
    node = nodes.get(unique_id.text, {}) if unique_id else {}
    return node if node.get("relation_name") else None


def _speed_metadata(metadata: Mapping[str, Any], usage: Usage) -> dict:
    """Rows per second of one model (dbt times each) and the peak memory of the whole dbt step."""
    # Values arrive raw or wrapped in a MetadataValue, depending on who set them.
    seconds = float(getattr(duration := metadata.get("Execution Duration", 0.0), "value", duration))
    rows = getattr(rows := metadata.get("dagster/row_count"), "value", rows)
    speed = {"step_peak_memory_mib": round(usage.peak_mib)} if usage.peak_mib else {}
    if rows is not None and seconds > 0:
        speed["rows_per_second"] = round(rows / seconds)
    return speed


PREVIEW_ROWS = 10


def _table_metadata(con, node: Mapping[str, Any]) -> dict:
    """Row count of every seed and model, and a preview where its rows may be seen (docs/marts.md, "Disclosure"):
    - a publishable table (config.meta.disclosure, sepakat_dagster/defs/marts/disclosure.py) as it is: its small
      cells are already suppressed;
    - a seed (reference data: codebooks, rules, regions; no person's rows) without personal columns
      (sepakat_dagster/defs/personal.py);
    - every other model (staging, intermediate, internal marts) by its row count only: its rows
      are persons, families, or unsuppressed counts, and hiding personal columns does not make them publishable."""
    relation = node["relation_name"]
    (rows,) = con.execute(f"select count(*) from {relation}").fetchone()
    columns = [row[0] for row in con.execute(f"describe select * from {relation}").fetchall()]
    if is_publishable(node):
        shown = columns
    elif node.get("resource_type") == "seed":
        shown = [c for c in columns if not is_personal_column(c)]
    else:
        return {"dagster/row_count": rows, **_awaiting_confirmation(con, node), "preview": dg.MetadataValue.md(
            f"Internal table (not publishable): {rows:,} rows of {len(columns)} columns; no rows are previewed.")}
    selected = ", ".join('"' + c + '"' for c in shown)
    preview = con.execute(f"select {selected} from {relation} limit {PREVIEW_ROWS}").fetchall() if shown else []
    hidden = len(columns) - len(shown)
    note = f"\n\n{hidden} columns that could identify a person are not shown." if hidden else ""
    table = markdown_table([dict(zip(shown, row, strict=True)) for row in preview])
    return {"dagster/row_count": rows, "preview": dg.MetadataValue.md(table + note)}


def _awaiting_confirmation(con, node: Mapping[str, Any]) -> dict:
    """For a model whose yml names `config.meta.awaiting_confirmation_from` (the budget marts), every parameter the
    forum has not confirmed, as that table lists it: the figures rest on them. Seed values only, no persons."""
    table = ((node.get("config") or {}).get("meta") or {}).get("awaiting_confirmation_from")
    if not table:
        return {}
    relation = f"{node['schema']}.{table}"
    listed = con.execute(f"select seed, parameter, source from {relation} order by all").fetchall()
    rows = [{"seed": seed, "parameter": parameter, "source": source} for seed, parameter, source in listed]
    return {"parameters_awaiting_confirmation": dg.MetadataValue.md(markdown_table(rows) if rows else "None."),
            "parameters_awaiting_confirmation_count": len(rows)}


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse) -> DbtCliInvocation:
    """`dbt build` of the step's selection into the run's candidate warehouse. dbt's profile reads the warehouse
    file, the DuckDB memory limit and spill folder from the environment, the only input a profile has, so they are
    exported before dbt starts; dbt's target folder follows the published warehouse, which does not change."""
    candidate = warehouse.path
    with duckdb_limits.with_environment({paths.WAREHOUSE.variable: str(candidate),
                                         **duckdb_limits.environment(candidate)}):  # dbt starts inside `cli`
        return dbt.cli(["build"], context=context, raise_on_error=False, target_path=target_path(warehouse.published))


def target_path(warehouse: str) -> Path:
    """dbt's target folder for a warehouse, the same for every build of it.

    dbt parses the project again whenever the profile differs from the one its partial-parse state was saved with,
    and the profile names the warehouse file and its memory limit. The manifest prepared by `make` was parsed for
    another file, so a fresh folder per build meant a full parse (13 s) for each of the two builds of a refresh;
    with one folder per warehouse only a warehouse's first build parses in full.
    """
    project = sepakat_dbt_project()
    digest = hashlib.sha256(str(Path(warehouse).resolve()).encode()).hexdigest()[:16]
    return project.project_dir / project.target_path / f"warehouse-{digest}"


# The marts read the Splink clusters, which read int_persons: two dbt builds, one each side of the linkage, named
# by the project's YAML selectors (dbt_project/selectors.yml), which hold every dbt node exactly once between them.
# dbt's command line then reads `build --select fqn:* --selector <name>`: dagster-dbt's default select, which dbt
# ignores beside a selector.


@dbt_assets(
    manifest=sepakat_dbt_project().manifest_path,
    project=sepakat_dbt_project(),  # dagster-dbt runs a large subset on a copy of this folder, with its own selector
    dagster_dbt_translator=translator,
    selector="harmonisation",
    name="sepakat_dbt_harmonisation",
    pool="duckdb",
    partitions_def=PROVINCES,
)
def sepakat_dbt_harmonisation(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """Seeds, staging and intermediate models and their tests in one `dbt build`."""
    yield from build_with_row_counts(_build(context, dbt, warehouse), warehouse)


@dbt_assets(
    manifest=sepakat_dbt_project().manifest_path,
    project=sepakat_dbt_project(),
    dagster_dbt_translator=translator,
    selector="marts",
    name="sepakat_dbt_marts",
    pool="duckdb",
    partitions_def=PROVINCES,
)
def sepakat_dbt_marts(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """The marts planners read and the models built for them, after the linkage; a failing error-severity test
    stops what follows."""
    yield from build_with_row_counts(_build(context, dbt, warehouse), warehouse)


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[sepakat_dbt_harmonisation, sepakat_dbt_marts],
        resources={"dbt": DbtCliResource(project_dir=sepakat_dbt_project(), dbt_executable=str(DBT_EXECUTABLE))},
    )
