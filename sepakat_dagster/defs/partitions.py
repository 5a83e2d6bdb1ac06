"""The province partitions: every asset from ingest to publication is partitioned by province, one warehouse per
province (DuckDB admits one writer per file), so provinces refresh, backfill and fail independently."""

import dagster as dg

from sepakat_dagster.provinces import province_codes

PROVINCES = dg.StaticPartitionsDefinition(list(province_codes()))

PARTITION_TAG = "dagster/partition"
"""The run tag Dagster gives a run of one partition: how a resource learns which province its run serves."""


def run_province(run: dg.DagsterRun | None) -> str | None:
    """The province `run` serves: its partition key; None outside a run or for a run of no partition."""
    return run.tags.get(PARTITION_TAG) if run is not None else None
