"""Marts stage: the per-regency targeting list exports and the evaluation of targeting errors against the
generator's ground truth, downstream of the dbt marts.

The marts' reconciliation identities (regions sum to their parent, eligible = correctly targeted + exclusion errors,
...) are dbt data tests declared beside each mart (dbt_project/models/marts/<mart>.yml, dbt_project/tests/marts/),
shown in Dagster as checks of the dbt assets; a failing one fails the marts' dbt step, so the exports and the
evaluation do not run on marts that do not add up.

The Dagster definitions are `assets` and `resources`. Beside them, what SQL cannot do in dbt: `export` writes a
targeting list to a file (`export_cli` is the `sepakat export` command), `evaluate` compares the targeting with the
ground truth and `summary` the marts section of the demo summary."""
