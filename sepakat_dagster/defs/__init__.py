"""Dagster definitions, one folder per pipeline stage; loaded by sepakat_dagster.definitions."""
