"""The dbt project, built once per process; its manifest is prepared by `make` and the tests, not on import."""

import functools
import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from sepakat_dagster import duckdb_limits
from sepakat_dagster.paths import DBT_PROJECT_DIR, province_warehouse

# The dbt next to this interpreter: an un-activated virtualenv must not fall back to another dbt on PATH.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


@functools.cache
def sepakat_dbt_project() -> DbtProject:
    # Under `dagster dev` a changed dbt project is parsed again when the code location reloads. Not through
    # DbtProject.prepare_if_dev(): that runs the `dbt` on PATH, which an un-activated virtualenv does not have.
    if os.environ.get("DAGSTER_IS_DEV_CLI") and manifest_is_stale():
        prepare_manifest()
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_manifest() -> Path:
    """Parse the dbt project into target/manifest.json, which the dbt assets read when they are defined."""
    # The profile names the warehouse through an env var; parsing needs a value but never opens the file.
    env = {"SEPAKAT_WAREHOUSE": str(province_warehouse()), **duckdb_limits.environment(), **os.environ}
    subprocess.run(
        [str(DBT_EXECUTABLE), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        check=True,
        env=env,
    )
    return MANIFEST_PATH


def manifest_is_stale() -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    if not MANIFEST_PATH.exists():
        return True
    built = MANIFEST_PATH.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        sources += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


if __name__ == "__main__":
    print(prepare_manifest())
