"""Marts stage: reconciliation checks on the dbt marts, the per-regency targeting list exports and the evaluation of
targeting errors against the generator's ground truth.

The Dagster definitions are `assets`, `checks` and `resources`. Beside them, what SQL cannot do in dbt: `export`
writes a targeting list to a file (`export_cli` is the `sepakat export` command), `evaluate` compares the targeting
with the ground truth, `reconcile` holds the queries the checks run and `summary` the marts section of the demo
summary."""
