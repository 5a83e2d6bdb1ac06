"""Resources shared by every stage, and how every resource that is a location is configured (`located`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from sepakat_dagster import duckdb_limits, paths
from sepakat_dagster.defs.partitions import run_province
from sepakat_dagster.defs.publish.candidate import Candidate, CandidateError, Move


def located(location: paths.Location) -> str | dg.EnvVar:
    """The value of a resource field that holds `location`: its environment variable as a `dg.EnvVar` when that is
    set as the definitions load (so the UI shows where the value came from), otherwise the default as a path.

    `dg.EnvVar` has no default of its own, and one for an unset variable fails the run at launch; the defaults
    live in `paths`, beside the variables they stand in for.
    """
    return dg.EnvVar(location.variable) if location.is_set() else str(location.default())


class ProvinceFolder(dg.ConfigurableResource):
    """A location that may differ per province: `path` may hold the `{province}` placeholder, filled in with the
    province of the run (its partition) or, outside a run, the one named to `for_province`."""

    path: str
    _province: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._province = run_province(context.run)

    @property
    def root(self) -> Path:
        return self.for_province(self._province)

    def for_province(self, province: str | None) -> Path:
        return paths.fill_province(self.path, province, type(self).__name__)


class LandingDirectory(ProvinceFolder):
    """The folder where a province's registry deliveries land, one sub-folder per registry."""


class ReportsDirectory(ProvinceFolder):
    """The folder for a province's quality report and the great-expectations results and Data Docs
    (SEPAKAT_REPORTS)."""


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file (`database`), which only publication writes: within a run every connection, dbt
    build and gate works on the run's candidate (`path`), a private copy made when the run first touches the
    warehouse (defs/publish/candidate.py). The `publish` asset swaps it in once every gate has passed; a run that
    ends without publishing (a failed gate, a failed step, a selection without `publish`) discards it, so readers
    never see a run's half.

    `database` may hold the `{province}` placeholder: each province (the run's partition) has its own warehouse.

    Every connection carries the pipeline's memory limit and spill folder (duckdb_limits), under any explicit
    `connection_config`; the spill folder sits inside the candidate and goes with it."""

    _run_id: str | None = PrivateAttr(default=None)
    _province: str | None = PrivateAttr(default=None)
    _candidate: Candidate | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_id = context.run_id
        self._province = run_province(context.run)

    @property
    def published(self) -> Path:
        """The published warehouse file of the run's province (readers' copy; only `publish` writes it)."""
        return self.for_province(self._province)

    def for_province(self, province: str | None) -> Path:
        """The published warehouse file of `province`, for code outside a run (the sensor, the national pass)."""
        return paths.fill_province(self.database, province, paths.WAREHOUSE.variable)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._candidate is not None:
            self._candidate.discard()
            self._candidate = None
            context.log.warning("The run ended without publishing: its candidate warehouse was discarded, and "
                                "readers still see the last published run.")

    @property
    def path(self) -> Path:
        """The file this run reads and writes: its candidate in a run, the published warehouse outside one."""
        if self._run_id is None:
            return self.published
        if self._candidate is None:
            self._candidate = Candidate.open(self.published, self._run_id)
        return self._candidate.database

    def stage(self, destination: Path) -> Path:
        """Where this run writes a file or folder that is published with the warehouse, to `destination`."""
        self.path  # noqa: B018 - opens the candidate
        return self._candidate.stage(destination)

    def publish(self) -> list[Move]:
        """Swap the candidate and its staged files in (every connection to it closed); the moves made."""
        if self._candidate is None:
            raise CandidateError("This run has not written the warehouse: there is nothing to publish")
        moves = self._candidate.publish()
        self._candidate = None
        return moves

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.path
        config = {**duckdb_limits.limits(path).config(), **self.connection_config}
        with DuckDBResource(database=str(path), connection_config=config).get_connection() as con:
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
