"""Marts support in Python: what SQL cannot do in dbt (exports to files, evaluation against ground truth) and
the reconciliation queries the asset checks run."""
