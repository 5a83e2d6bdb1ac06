"""Where the per-regency targeting list exports go."""

import os
from pathlib import Path

import dagster as dg


class ExportDirectory(dg.ConfigurableResource):
    """Folder for the restricted per-regency exports: `path` (SEPAKAT_EXPORTS) when set, otherwise exports/ beside
    the warehouse file (data/exports for the demo, git-ignored with the rest of data/)."""

    path: str | None = None
    warehouse: str | None = None

    @property
    def root(self) -> Path:
        if self.path:
            return Path(self.path)
        if self.warehouse:
            return Path(self.warehouse).parent / "exports"
        raise ValueError("ExportDirectory needs a path or the warehouse file it sits beside")


@dg.definitions
def marts_resources() -> dg.Definitions:
    # dg.EnvVar cannot have a default: SEPAKAT_EXPORTS only when it is set.
    exports = (ExportDirectory(path=dg.EnvVar("SEPAKAT_EXPORTS")) if os.environ.get("SEPAKAT_EXPORTS")
               else ExportDirectory(warehouse=dg.EnvVar("SEPAKAT_WAREHOUSE")))
    return dg.Definitions(resources={"exports": exports})
