"""The nightly refresh: the whole graph at 02:00 in Jakarta, after the day's deliveries and before office hours."""

import dagster as dg

from sepakat_dagster.defs.automation.jobs import refresh_job

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Jakarta",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh every asset nightly; blocking checks stop whatever depends on a failed one.",
)
