"""A dbt-duckdb plugin that hands the pseudonym key to DuckDB as a session variable on every cursor dbt opens.

The marts' HMAC pseudonyms (dbt_project/macros/pseudonymise.sql) read the key with `getvariable(...)`, so it is
never rendered into the SQL dbt compiles, logs and keeps in `target/` and `run_results.json`: it goes from the
environment to DuckDB as a bound parameter. DuckDB folds `getvariable` once per query, as it folded the literal.
The profile (dbt_project/profiles.yml) names this module and the environment variable; a missing or short key is
refused by the macro when a model compiles, with a message saying what to set.
"""

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.env_var = plugin_config["env_var"]
        # The macro reads the variable named like the environment variable, in lower case.
        self.variable = self.env_var.lower()

    def _set_key(self, con: DuckDBPyConnection) -> None:
        key = os.environ.get(self.env_var)
        if key:
            con.execute(f"set variable {self.variable} = ?", [key])

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        self._set_key(conn)

    def configure_cursor(self, cursor: DuckDBPyConnection) -> None:
        # A cursor is a new DuckDB connection: session variables do not carry over from its parent.
        self._set_key(cursor)
