"""Resources shared by every stage, configured from the environment (the Makefile sets the defaults)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from sepakat_dagster import duckdb_limits


class LandingDirectory(dg.ConfigurableResource):
    """The folder where registry deliveries land, one sub-folder per registry."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file; its folder is made on first use, so a fresh checkout can run before `make demo`.

    Every connection carries the pipeline's memory limit and spill folder (duckdb_limits), under any explicit
    `connection_config`."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        config = {**duckdb_limits.limits(self.database).config(), **self.connection_config}
        with DuckDBResource(database=self.database, connection_config=config).get_connection() as con:
            yield con


@dg.definitions
def resources() -> dg.Definitions:
    # One DuckDB file allows one writer: every step runs in one process, one after another.
    return dg.Definitions(
        resources={
            "warehouse": Warehouse(database=dg.EnvVar("SEPAKAT_WAREHOUSE")),
            "landing": LandingDirectory(path=dg.EnvVar("SEPAKAT_LANDING")),
        },
        executor=dg.in_process_executor,
    )
