"""The pipeline never imports the synthetic-data generator: with real registries there is no generator, and what it
writes (landing files, truth/) reaches the pipeline only as data. Checked in a fresh interpreter, since the tests
themselves generate provinces in this one."""

import json
import subprocess
import sys

from sepakat_dagster.paths import REPO_ROOT

PROBE = """
import json, sys
import sepakat_dagster.cli
from sepakat_dagster.definitions import defs
defs()  # loading the definitions imports every module under sepakat_dagster/defs/
print(json.dumps(sorted(sys.modules)))
"""


def test_the_dagster_definitions_and_the_cli_do_not_import_the_generator():
    completed = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO_ROOT, capture_output=True, text=True,
                               check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    modules = json.loads(completed.stdout.strip().splitlines()[-1])
    # The probe did load the stages' modules, logic included.
    assert {"sepakat_dagster.defs.sources.loader", "sepakat_dagster.defs.linkage.pipeline",
            "sepakat_dagster.defs.marts.export", "sepakat_dagster.defs.quality.validate",
            "sepakat_dagster.defs.reports.report"} <= set(modules)
    assert [name for name in modules if name.split(".")[0] == "sepakat_synthetic"] == []
