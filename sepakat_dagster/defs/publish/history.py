"""The history of the published marts: every run's aggregate cells, kept inside the warehouse, compared run to run.

Plain appends into two tables, not dbt snapshots: a dbt snapshot keeps one row per key with validity dates, which
answers "what was this cell on a date" but not "what did run A publish next to run B", and it would have to be told
each mart's key and change columns separately. Here every published mart is stored in one long table,
`history.mart_cells` (run, mart, cell, measure, value), where the cell is the mart's grain as declared once by its
`unique_combination` test in dbt, and the measures are its numeric columns. A new mart or column needs nothing here,
and two runs compare with one join.

Only publishable marts are kept (the disclosure declaration), suppressed as published, never the by-name
targeting list or an internal mart. The snapshot is
written into the run's candidate, so a run that fails keeps no history; `record_publication` stamps it when the run
publishes and keeps the newest `retention()` runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sepakat_dagster.defs.marts.disclosure import publishable_tables
from sepakat_dagster.warehouse import fetch_dicts, has_table

ASSET_PATH = ["history", "mart_cells"]
"""The Dagster asset that writes a run's snapshot (defs/publish/assets.py); the report reads it."""

RETENTION_ENV = "SEPAKAT_HISTORY_RUNS"
DEFAULT_RETENTION = 31
"""Published runs kept: a month of nightly refreshes. A run's cells are every number of the published marts
(about 290,000 for the 20,000-person demo, most of them SPM cells by district), so history grows by one run's
marts per refresh until the retention drops the oldest."""

NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL")

SCHEMA = """
create schema if not exists history;
create table if not exists history.runs (
    run_id varchar primary key, snapshot_at timestamp, published_at timestamp, deliveries varchar
);
create table if not exists history.mart_cells (
    run_id varchar, mart varchar, cell varchar, measure varchar, value double
);
"""


@dataclass(frozen=True)
class Mart:
    """A published aggregate mart: its relation, and the columns that make one row (its declared grain)."""

    name: str
    relation: str
    grain: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    mart: str
    cell: str
    measure: str
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


def retention() -> int:
    """How many published runs the history keeps (SEPAKAT_HISTORY_RUNS)."""
    value = os.environ.get(RETENTION_ENV)
    return int(value) if value else DEFAULT_RETENTION


def published_marts(manifest: Mapping) -> list[Mart]:
    """The publishable marts (the disclosure declaration, defs/marts/disclosure.py), each with the grain its
    `unique_combination` test declares."""
    grains = {node["attached_node"].split(".")[-1]: tuple(node["test_metadata"]["kwargs"]["columns"])
              for node in manifest["nodes"].values()
              if node["resource_type"] == "test" and node.get("test_metadata", {}).get("name") == "unique_combination"}
    marts = []
    for table in publishable_tables(manifest):
        if table.name not in grains:
            raise ValueError(f"{table.name} is publishable but declares no grain (a unique_combination test)")
        marts.append(Mart(table.name, table.relation, grains[table.name]))
    return marts


def load_manifest(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def snapshot(con: duckdb.DuckDBPyConnection, run_id: str, marts: Iterable[Mart]) -> int:
    """Store this run's cells of every built mart (replacing an earlier snapshot of the same run); the cells
    written. The run is not yet published: `published_at` stays empty until `record_publication`."""
    con.execute(SCHEMA)
    con.execute("delete from history.mart_cells where run_id = ?", [run_id])
    con.execute("delete from history.runs where run_id = ?", [run_id])
    for mart in marts:
        schema, table = mart.relation.split(".")
        if not has_table(con, schema, table):
            continue
        measures = [row["column_name"] for row in fetch_dicts(con, f"describe {mart.relation}")
                    if row["column_name"] not in mart.grain and row["column_type"].startswith(NUMERIC_TYPES)]
        if not measures:
            continue
        cell = " || ' | ' || ".join(f"'{column}=' || coalesce({column}::varchar, '-')" for column in mart.grain)
        values = ", ".join(f"{column}::double as {column}" for column in measures)
        con.execute(f"""
            insert into history.mart_cells
            select ?, ?, cell, measure, value
            from (select {cell} as cell, {values} from {mart.relation})
                unpivot include nulls (value for measure in ({", ".join(measures)}))
        """, [run_id, mart.name])
    deliveries = fetch_dicts(con, """
        select source, file_name, file_sha256, vintage::varchar as vintage from audit.source_loads
        qualify row_number() over (partition by source order by loaded_at desc) = 1 order by source
    """) if has_table(con, "audit", "source_loads") else []
    con.execute("insert into history.runs values (?, now(), null, ?)", [run_id, json.dumps(deliveries)])
    return con.execute("select count(*) from history.mart_cells where run_id = ?", [run_id]).fetchone()[0]


def record_publication(con: duckdb.DuckDBPyConnection, run_id: str, keep: int) -> list[str]:
    """Stamp the run as published now and drop the runs beyond the newest `keep`; the run ids dropped."""
    con.execute(SCHEMA)
    con.execute("update history.runs set published_at = now() where run_id = ?", [run_id])
    dropped = [row[0] for row in con.execute("""
        select run_id from history.runs where published_at is not null
        qualify row_number() over (order by published_at desc, run_id) > ?
    """, [keep]).fetchall()]
    for run in dropped:
        con.execute("delete from history.mart_cells where run_id = ?", [run])
        con.execute("delete from history.runs where run_id = ?", [run])
    # Snapshots of runs that never published cannot be here (they stay in discarded candidates); this removes any
    # a hand-made copy might hold.
    con.execute("delete from history.mart_cells where run_id in "
                "(select run_id from history.runs where published_at is null and run_id <> ?)", [run_id])
    con.execute("delete from history.runs where published_at is null and run_id <> ?", [run_id])
    return dropped


def previous_published(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The newest published run other than `run_id`, if the history holds one."""
    if not has_table(con, "history", "runs"):
        return None
    row = con.execute("""
        select run_id from history.runs where published_at is not null and run_id <> ?
        order by published_at desc, run_id limit 1
    """, [run_id]).fetchone()
    return row[0] if row else None


def runs(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The published runs, newest first, with the deliveries each used."""
    if not has_table(con, "history", "runs"):
        return []
    return fetch_dicts(con, """
        select run_id, published_at, deliveries,
               (select count(*) from history.mart_cells c where c.run_id = r.run_id) as cells
        from history.runs r where published_at is not null order by published_at desc, run_id
    """)


def resolve_run(con: duckdb.DuckDBPyConnection, prefix: str) -> str:
    """The one run of the history whose id starts with `prefix` (ids are long; the report shows eight characters)."""
    matches = [row[0] for row in con.execute(
        "select run_id from history.runs where starts_with(run_id, ?) order by run_id", [prefix]).fetchall()] \
        if has_table(con, "history", "runs") else []
    if len(matches) != 1:
        raise LookupError(f"{len(matches)} runs in the history start with {prefix!r}; give more of the run id"
                          if matches else f"No run in the history starts with {prefix!r} (`sepakat diff --list`)")
    return matches[0]


def changes(con: duckdb.DuckDBPyConnection, before: str, after: str, tolerance: float = 0.0,
            marts: Iterable[str] | None = None) -> list[Change]:
    """Cells whose value moved from run `before` to run `after` by more than `tolerance` relative to the larger of
    the two; a cell that appears, disappears, or becomes or stops being suppressed (NULL) always counts."""
    only = list(marts) if marts is not None else None
    rows = con.execute(f"""
        with a as (select * from history.mart_cells where run_id = ?),
             b as (select * from history.mart_cells where run_id = ?)
        select coalesce(a.mart, b.mart), coalesce(a.cell, b.cell), coalesce(a.measure, b.measure), a.value, b.value
        from a full join b on a.mart = b.mart and a.cell = b.cell and a.measure = b.measure
        where (a.value is distinct from b.value)
          and (a.value is null or b.value is null
               or abs(b.value - a.value) > ? * greatest(abs(a.value), abs(b.value)))
          {"and coalesce(a.mart, b.mart) in (select unnest(?))" if only is not None else ""}
        order by 1, 2, 3
    """, [before, after, tolerance, *([only] if only is not None else [])]).fetchall()
    return [Change(*row) for row in rows]
