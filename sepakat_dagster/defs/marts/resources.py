"""Where the per-regency targeting list exports go."""

import dagster as dg

from sepakat_dagster import paths
from sepakat_dagster.defs.resources import ProvinceFolder, located


class ExportDirectory(ProvinceFolder):
    """Folder for a province's restricted per-regency exports (SEPAKAT_EXPORTS; by default exports/ beside the
    warehouse)."""


@dg.definitions
def marts_resources() -> dg.Definitions:
    return dg.Definitions(resources={"exports": ExportDirectory(path=located(paths.EXPORTS))})
