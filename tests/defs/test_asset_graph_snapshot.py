"""The asset graph as reviewed: every asset's key, group and kinds, its checks (blocking or not) and the jobs.

A change to a dbt model, a gate or an asset can add, drop or regroup assets without any test noticing; the
snapshot makes each such change a visible diff in review. After an intended change, write the snapshot again:

    SEPAKAT_UPDATE_SNAPSHOT=1 .venv/bin/pytest tests/defs/test_asset_graph_snapshot.py
"""

import json
import os
from pathlib import Path

from sepakat_dagster.definitions import defs
from sepakat_dagster.defs.reports.evidence import check_specs

SNAPSHOT = Path(__file__).with_name("asset_graph_snapshot.json")


def asset_graph_outline() -> dict:
    definitions = defs()
    checks: dict[str, dict[str, str]] = {}
    for spec in check_specs(definitions):
        checks.setdefault(spec.asset_key.to_user_string(), {})[spec.name] = (
            "blocking" if spec.blocking else "non-blocking")
    assets = {
        spec.key.to_user_string(): {
            "group": spec.group_name,
            "kinds": sorted(spec.kinds),
            "checks": dict(sorted(checks.get(spec.key.to_user_string(), {}).items())),
        }
        for spec in definitions.resolve_all_asset_specs()
    }
    jobs = sorted({job.name for job in definitions.jobs or ()})
    return {"assets": dict(sorted(assets.items())), "jobs": jobs}


def test_the_asset_graph_matches_its_reviewed_snapshot():
    outline = asset_graph_outline()
    if os.environ.get("SEPAKAT_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(outline, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    added = sorted(outline["assets"].keys() - snapshot["assets"].keys())
    removed = sorted(snapshot["assets"].keys() - outline["assets"].keys())
    changed = sorted(key for key in outline["assets"].keys() & snapshot["assets"].keys()
                     if outline["assets"][key] != snapshot["assets"][key])
    assert (added, removed, changed) == ([], [], []), (
        "the asset graph changed; if intended, write the snapshot again (see this module's docstring)")
    assert outline["jobs"] == snapshot["jobs"]
