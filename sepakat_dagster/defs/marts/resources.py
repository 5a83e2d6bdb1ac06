"""Where the per-regency targeting list exports go."""

from pathlib import Path

import dagster as dg

from sepakat_dagster import paths
from sepakat_dagster.defs.resources import located


class ExportDirectory(dg.ConfigurableResource):
    """Folder for the restricted per-regency exports (SEPAKAT_EXPORTS; by default exports/ beside the warehouse)."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


@dg.definitions
def marts_resources() -> dg.Definitions:
    return dg.Definitions(resources={"exports": ExportDirectory(path=located(paths.EXPORTS))})
