"""How much memory DuckDB may use and where it spills: one setting for every connection the pipeline opens.

DuckDB's defaults are not a memory plan: without a limit a connection takes up to 80 % of the machine, and an
in-memory database with no temporary directory cannot spill, so a province-sized join grows until the machine
runs out (22.7 GB resident at 5.5 million persons before this setting existed). Every connection the pipeline
opens, the warehouse resource, Splink's scratch database, dbt's profile and great-expectations' engine, takes
its `memory_limit`, `temp_directory` and `threads` from here, so large joins, sorts and aggregates spill to disk.

- SEPAKAT_DUCKDB_MEMORY_LIMIT (default 6GB): three quarters of the 8 GiB a province refresh may use; the rest is
  the Python process (Dagster, Splink, great-expectations) and what DuckDB allocates outside its buffer pool. At
  5.5 million persons the whole refresh then peaks at 6.6 GiB; 4GB (peak 4.8 GiB) spilled more and cost the marts'
  dbt build about 13 % more time (docs/performance.md). A smaller machine sets a smaller limit and spills more.
- SEPAKAT_DUCKDB_TEMP_DIR (default: a `duckdb_spill` folder beside the warehouse): where the spill files go.
- SEPAKAT_DUCKDB_THREADS (default: every core).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sepakat_dagster import paths

MEMORY_LIMIT_ENV = "SEPAKAT_DUCKDB_MEMORY_LIMIT"
TEMP_DIR_ENV = "SEPAKAT_DUCKDB_TEMP_DIR"
THREADS_ENV = "SEPAKAT_DUCKDB_THREADS"
DEFAULT_MEMORY_LIMIT = "6GB"
SPILL_FOLDER = "duckdb_spill"


@dataclass(frozen=True)
class DuckDBLimits:
    memory_limit: str
    temp_directory: str
    threads: int | None = None

    def config(self) -> dict[str, str]:
        """The settings as `duckdb.connect(config=...)` takes them (and dbt-duckdb's `settings:`)."""
        Path(self.temp_directory).mkdir(parents=True, exist_ok=True)
        config = {"memory_limit": self.memory_limit, "temp_directory": self.temp_directory}
        if self.threads:
            config["threads"] = str(self.threads)
        return config


def limits(warehouse: Path | str | None = None) -> DuckDBLimits:
    """The limits from the environment; the spill folder defaults to one beside `warehouse` (or the default
    warehouse), on the disk that already holds the province's data."""
    folder = Path(warehouse).parent if warehouse else paths.province_warehouse().parent
    threads = os.environ.get(THREADS_ENV)
    return DuckDBLimits(
        memory_limit=os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT,
        temp_directory=os.environ.get(TEMP_DIR_ENV) or str(folder / SPILL_FOLDER),
        threads=int(threads) if threads else None,
    )


def environment(warehouse: Path | str | None = None) -> dict[str, str]:
    """The limits as environment variables, for dbt's profile, which can read nothing else."""
    chosen = limits(warehouse)
    Path(chosen.temp_directory).mkdir(parents=True, exist_ok=True)
    values = {MEMORY_LIMIT_ENV: chosen.memory_limit, TEMP_DIR_ENV: chosen.temp_directory}
    if chosen.threads:
        values[THREADS_ENV] = str(chosen.threads)
    return values


@contextlib.contextmanager
def with_environment(values: dict[str, str]) -> Iterator[None]:
    """`values` in this process's environment for the duration (a child process started inside reads them), then
    the environment as it was."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def connect(database: Path | str = ":memory:", read_only: bool = False,
            warehouse: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the pipeline's limits: `database` a file, or ":memory:" for scratch work (which
    spills to the temporary directory like a file would). `warehouse` places the default spill folder."""
    spill_beside = warehouse or (database if str(database) != ":memory:" else None)
    return duckdb.connect(str(database), read_only=read_only, config=limits(spill_beside).config())
