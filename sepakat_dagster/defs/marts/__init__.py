"""Marts stage: reconciliation checks on the dbt marts, the per-regency targeting list exports and the evaluation of
targeting errors against the generator's ground truth."""
