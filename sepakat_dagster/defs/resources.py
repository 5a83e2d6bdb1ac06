"""Resources shared by every stage, and how every resource that is a location is configured (`located`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from sepakat_dagster import duckdb_limits, paths


def located(location: paths.Location) -> str | dg.EnvVar:
    """The value of a resource field that holds `location`: its environment variable as a `dg.EnvVar` when that is
    set as the definitions load (so the UI shows where the value came from), otherwise the default as a path.

    `dg.EnvVar` has no default of its own, and one for an unset variable fails the run at launch; the defaults
    live in `paths`, beside the variables they stand in for.
    """
    return dg.EnvVar(location.variable) if location.is_set() else str(location.default())


class LandingDirectory(dg.ConfigurableResource):
    """The folder where registry deliveries land, one sub-folder per registry."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


class ReportsDirectory(dg.ConfigurableResource):
    """The folder for the quality report and the great-expectations results and Data Docs (SEPAKAT_REPORTS)."""

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
            "warehouse": Warehouse(database=located(paths.WAREHOUSE)),
            "landing": LandingDirectory(path=located(paths.LANDING)),
            "reports": ReportsDirectory(path=located(paths.REPORTS)),
        },
        executor=dg.in_process_executor,
    )
