"""The person records Splink reads: dbt's int_persons copied into the linkage's own DuckDB, plus derived keys.

Splink runs on its own connection, a scratch file (see `scratch`): on the warehouse connection it would leave
`__splink__*` tables in the file and hold the write lock. The records are copied in through a read-only ATTACH
and the warehouse is detached again before any scoring starts; results go back with `publish`.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb

from sepakat_dagster import duckdb_limits

# The contract with the dbt layer: the columns of intermediate.int_persons the linkage reads.
INT_PERSONS = "intermediate.int_persons"
CONTRACT_COLUMNS = (
    "person_record_key",
    "registry",
    "source_table",
    "record_id",
    "household_record_key",
    "nik",
    "nik_is_valid",
    "nik_birth_date",
    "nik_sex",
    "name_normalised",
    "name_tokens_sorted",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "sex_disagrees_with_nik",
    "birth_date_disagrees_with_nik",
    "village_code",
    "district_code",
    "regency_code",
)

RECORDS = "person_records"  # the prepared records in the linkage's connection (a table, or a view)

# Keys derived from the normalised name and the birth date, as SQL over the prepared columns: computed once in
# SQL rather than in every comparison, by the province's records (PREPARE_SQL) and by `sepakat link` (generic)
# alike, so the comparisons and blocking rules of settings.py read the same keys whatever the source.
# - name_tokens: the normalised name as a list, for token comparisons (reordered, shortened, initials);
# - name_initial: the first letter of the sorted tokens, a blocking key that survives reordered names;
# - birth_year: for blocking on the name within a year of birth;
# - birth_date_key: year + the two day/month numbers in ascending order, so that a record whose day and month
#   were swapped still blocks with the correct one.
DERIVED_KEYS = {
    "name_tokens": "string_split(name_normalised, ' ')",
    "name_initial": "left(name_tokens_sorted, 1)",
    "birth_year": "year(birth_date)",
    "birth_date_key": "year(birth_date) * 10000 + least(month(birth_date), day(birth_date)) * 100\n"
                      "        + greatest(month(birth_date), day(birth_date))",
}
# The name keys the dbt layer (int_persons) gives the registries' records, for files that come without them.
NAME_KEYS = {
    "name_tokens_sorted": "array_to_string(list_sort(string_split(name_normalised, ' ')), ' ')",
    "first_name": "string_split(name_normalised, ' ')[1]",
    "last_name": "case when len(string_split(name_normalised, ' ')) > 1 "
                 "then string_split(name_normalised, ' ')[-1] end",
}

# No ORDER BY here: nothing needs the records in order, and sorting a province's records costs minutes.
# Other derived columns:
# - unique_id: the name Splink expects, a number per record. Splink joins every candidate pair back to the records
#   on it, and integers cost a fraction of the text keys. The numbers follow no order and may differ between runs:
#   nothing published carries them (pairs and persons are written with the keys, in key order), and no comparison
#   depends on which record of a pair is on the left;
# - nik_is_consistent: the NIK is valid and agrees with the recorded sex and birth date (what the deterministic
#   pass trusts);
# - deterministic_group: null here; the deterministic pass fills it in place (deterministic.link_on_nik), since
#   writing a province's records a second time to add it cost four times as long as the update.
PREPARE_SQL = f"""
create or replace {{kind}} {RECORDS} as
select
    row_number() over () as unique_id,
    person_record_key,
    registry,
    source_table,
    record_id,
    household_record_key,
    nik,
    coalesce(nik_is_valid, false) as nik_is_valid,
    nik_birth_date,
    nik_sex,
    name_normalised,
    {DERIVED_KEYS['name_tokens']} as name_tokens,
    name_tokens_sorted,
    {DERIVED_KEYS['name_initial']} as name_initial,
    first_name,
    last_name,
    sex,
    birth_date,
    {DERIVED_KEYS['birth_year']} as birth_year,
    {DERIVED_KEYS['birth_date_key']} as birth_date_key,
    coalesce(nik_is_valid, false)
        and not coalesce(sex_disagrees_with_nik, false)
        and not coalesce(birth_date_disagrees_with_nik, false) as nik_is_consistent,
    null::varchar as deterministic_group,
    village_code,
    district_code,
    regency_code
from {{source}}
"""


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple:
    """The first row of a query, fully fetched: duckdb 2.0 refuses further work while a result is unfinished,
    so never leave a `fetchone()` open on a connection Splink will use."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else ()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return first_row(con, sql, params)[0]


def connect(threads: int | None = None, database: Path | str = ":memory:",
            warehouse: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for Splink with the pipeline's memory limit and spill folder (duckdb_limits);
    `threads` caps its parallelism (default: the setting, else every core)."""
    con = duckdb_limits.connect(database, warehouse=warehouse)
    if threads:
        con.execute(f"set threads = {int(threads)}")
    return con


@contextlib.contextmanager
def scratch(warehouse: Path | str, threads: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a scratch database file in the spill folder, removed afterwards.

    A province's records, blocked pairs, links and clusters do not fit in memory all at once; in a database file
    DuckDB keeps them compressed on disk and reads back what each query needs, within the memory limit.
    """
    folder = Path(duckdb_limits.limits(warehouse).temp_directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"linkage-{os.getpid()}-{uuid.uuid4().hex[:8]}.duckdb"
    con = connect(threads, path, warehouse=warehouse)
    try:
        yield con
    finally:
        con.close()
        for leftover in (path, path.with_name(path.name + ".wal")):
            leftover.unlink(missing_ok=True)


def publish(con: duckdb.DuckDBPyConnection, warehouse: Path | str, tables: dict[str, str]) -> dict[str, int]:
    """Copy tables of `con` into the warehouse file ({warehouse table (schema.name): local table}), each replaced
    in one statement, in one transaction: DuckDB to DuckDB, nothing passes through Python. Returns rows per table."""
    path = str(Path(warehouse)).replace("'", "''")
    con.execute(f"attach '{path}' as published")
    rows = {}
    try:
        con.execute("begin transaction")
        for target, local in tables.items():
            con.execute(f"create schema if not exists published.{target.split('.')[0]}")
            con.execute(f"create or replace table published.{target} as select * from {local}")
            rows[target] = scalar(con, f"select count(*) from published.{target}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.execute("detach published")
    return rows


@contextlib.contextmanager
def attached(con: duckdb.DuckDBPyConnection, warehouse: Path | str, alias: str = "warehouse") -> Iterator[str]:
    """The warehouse file attached read-only to `con` as `alias`, detached on exit: copy what you need inside."""
    path = str(Path(warehouse)).replace("'", "''")
    con.execute(f"attach '{path}' as {alias} (read_only)")
    try:
        yield alias
    finally:
        con.execute(f"detach {alias}")


def copy_from_warehouse(con: duckdb.DuckDBPyConnection, warehouse: Path | str, table: str = INT_PERSONS) -> int:
    """Prepare the records from the contract columns of `table` in the warehouse file, in one pass; returns rows.

    The warehouse is attached read-only and detached again, so no connection to the file stays open.
    """
    with attached(con, warehouse) as alias:
        return prepare(con, contract_source(con, alias, table))


def contract_source(con: duckdb.DuckDBPyConnection, alias: str, table: str = INT_PERSONS) -> str:
    """`table` of the attached warehouse `alias`, once it is known to have the contract columns."""
    missing = sorted(set(CONTRACT_COLUMNS) - set(_columns(con, alias, table)))
    if missing:
        raise ValueError(f"{table} lacks the column(s) the linkage reads: {', '.join(missing)}")
    return f"{alias}.{table}"


def prepared_view(con: duckdb.DuckDBPyConnection, source: str) -> str:
    """The prepared records as a view over `source`, computed where read; returns its name.

    For a stage that reads a few columns of some records once or twice (the evaluation): writing all of a
    province's prepared records first costs more than it saves. The scoring stage, which reads them many times,
    prepares a table (`prepare`), and checks the keys there.
    """
    con.execute(PREPARE_SQL.format(kind="view", source=source))
    return RECORDS


def prepare(con: duckdb.DuckDBPyConnection, source: str) -> int:
    """Build the prepared `person_records` table from a relation with the contract columns."""
    con.execute(PREPARE_SQL.format(kind="table", source=source))
    duplicates = scalar(con, f"select count(*) - count(distinct person_record_key) from {RECORDS}")
    if duplicates:
        raise ValueError(f"{duplicates} person_record_key values are not unique: the linkage needs one key a record")
    return scalar(con, f"select count(*) from {RECORDS}")


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ?",
        [catalog, schema, name],
    ).fetchall()
    if not rows:
        raise ValueError(f"{table} does not exist in the warehouse: build the dbt layer first")
    return [row[0] for row in rows]
