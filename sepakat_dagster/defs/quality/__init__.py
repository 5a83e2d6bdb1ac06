"""Quality gates: great-expectations suites from `expectations/`, validated in DuckDB SQL, results without people.

The Dagster checks are in `checks`; `gates` loads the suites and their safety rules, `validate` runs one in the
warehouse through the DuckDB datasource of `gx_duckdb`."""
