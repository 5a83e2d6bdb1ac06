"""Where the failure sensor appends its alert records."""

from pathlib import Path

import dagster as dg

from sepakat_dagster import paths
from sepakat_dagster.defs.resources import located


class AlertsFile(dg.ConfigurableResource):
    """The JSON-lines file of run-failure alerts (SEPAKAT_ALERTS; by default alerts.jsonl in DAGSTER_HOME)."""

    path: str

    def append(self, line: str) -> None:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as alerts:
            alerts.write(line + "\n")


@dg.definitions
def automation_resources() -> dg.Definitions:
    return dg.Definitions(resources={"alerts": AlertsFile(path=located(paths.ALERTS))})
