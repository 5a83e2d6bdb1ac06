"""The dbt project, built once per process; its manifest is prepared by `make` and the tests, not on import."""

import functools
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from sepakat_dagster.paths import DBT_PROJECT_DIR

# The dbt next to this interpreter: an un-activated virtualenv must not fall back to another dbt on PATH.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")


@functools.cache
def sepakat_dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()  # re-parses only under `dagster dev`
    return project


def prepare_manifest() -> Path:
    """Parse the dbt project into target/manifest.json, which the dbt assets read when they are defined."""
    subprocess.run(
        [str(DBT_EXECUTABLE), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        check=True,
    )
    return sepakat_dbt_project().manifest_path


if __name__ == "__main__":
    print(prepare_manifest())
