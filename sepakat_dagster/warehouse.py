"""Small reads every stage makes of a DuckDB connection: whether a table exists, and a query's rows as dicts."""

from __future__ import annotations

import duckdb


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """True when `schema.table` exists (a table or a view): reports and summaries leave out what was not built."""
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()[0])


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> list[dict]:
    """The rows of a small result (metadata, a summary, an evaluation) as dicts by column name."""
    cursor = con.execute(sql, parameters or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
