"""Quality gates: great-expectations suites from `expectations/`, validated in DuckDB SQL, results without people."""
