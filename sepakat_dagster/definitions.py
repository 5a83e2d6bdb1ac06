"""The one Dagster code location: every definition under sepakat_dagster/defs/, merged."""

import dagster as dg

from sepakat_dagster.paths import REPO_ROOT


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(project_root=REPO_ROOT)
