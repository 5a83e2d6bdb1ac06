"""A great-expectations SQL datasource that works on a DuckDB file.

great-expectations 1.x runs each metric query in a pooled connection and reads the rows after handing the
connection back; returning it rolls the transaction back, which on DuckDB discards the pending result, so every
metric comes back empty. The engine below reads the rows while the connection is still held. Everything else is
the stock SQL datasource: metrics are computed by DuckDB, no table is pulled into Python.

The classes are defined when a gate first runs (`register_datasource_type`), not when this module is imported:
the Dagster definitions import every module of their folders, and importing great-expectations takes seconds and
a quarter of a gigabyte, which only a run that validates should pay.
"""

import builtins
import functools
from typing import Literal


@functools.cache
def register_datasource_type() -> None:
    """Define the datasource once per process; defining it registers it with great-expectations."""
    from great_expectations.datasource.fluent import SQLDatasource
    from great_expectations.execution_engine import SqlAlchemyExecutionEngine

    class BufferedSqlAlchemyExecutionEngine(SqlAlchemyExecutionEngine):
        """Fetches each (aggregate, hence small) metric result before the connection goes back to the pool."""

        def execute_query(self, query):
            with self.get_connection() as connection:
                return self._execute_query_with_recovery(connection, query).freeze()()

    class DuckDBWarehouseDatasource(SQLDatasource):
        """Registered by great-expectations as `context.data_sources.add_sepakat_duckdb(...)`."""

        type: Literal["sepakat_duckdb"] = "sepakat_duckdb"

        @property
        def execution_engine_type(self) -> builtins.type[SqlAlchemyExecutionEngine]:  # `type` is a field here
            return BufferedSqlAlchemyExecutionEngine
