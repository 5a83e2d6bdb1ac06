"""The nightly refresh: every served province's graph at 02:00 in Jakarta, after the day's deliveries and before
office hours; one run per province (partition), so a province that fails holds up no other."""

import dagster as dg

from sepakat_dagster.defs.automation.jobs import refresh_job
from sepakat_dagster.defs.resources import LandingDirectory
from sepakat_dagster.paths import served_provinces
from sepakat_dagster.provinces import province_codes


@dg.schedule(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Jakarta",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh every served province nightly, one run per province; blocking checks stop whatever "
    "depends on a failed one, in that province only.",
)
def nightly_refresh(context: dg.ScheduleEvaluationContext, landing: LandingDirectory):
    night = context.scheduled_execution_time.strftime("%Y-%m-%d")  # one run per province and night, whatever retries
    for province in served_provinces(landing.path, province_codes()):
        yield dg.RunRequest(run_key=f"{province}-{night}", partition_key=province,
                            tags={"sepakat/trigger": "nightly_refresh"})
