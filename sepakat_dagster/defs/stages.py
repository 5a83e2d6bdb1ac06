"""The stages of a refresh, in pipeline order, and which stage each step of a run belongs to: for the command's
account of a failed run, the kill-safety test and the province benchmark, which all speak of stages, not steps."""

import dagster as dg

STAGES = ("ingest", "harmonise", "link", "marts", "gates", "report", "publish", "national")
"""Each asset group belongs to one stage. The asset checks that run as steps of their own (the great-expectations
suites and the blocking gates) are the `gates` stage; dbt's tests run inside the dbt steps."""

STAGE_OF_GROUP = {
    "sources": "ingest",
    "agreed_metadata": "harmonise", "staging": "harmonise", "intermediate": "harmonise",
    "places": "harmonise",
    "linkage": "link",
    "marts": "marts", "evaluation": "marts", "villages": "marts",
    "reports": "report",
    "publish": "publish",
    "national": "national",  # the national pass: its own job, after the provinces
}
OTHER = "other"  # a group added to the code location and not yet given a stage here: shown, not hidden


def step_stages(instance: dg.DagsterInstance, run_id: str, graph) -> dict[str, str]:
    """The stage of every step planned in the run, from the groups of the assets it was planned to materialise
    (so a failed or killed step is placed too); a step planned to evaluate checks only is a gate."""
    assets: dict[str, set[dg.AssetKey]] = {}
    checks: set[str] = set()
    planned = {dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED}
    for entry in instance.all_logs(run_id, of_type=planned):
        if entry.dagster_event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED:
            assets.setdefault(entry.step_key, set()).add(entry.dagster_event.asset_key)
        else:
            checks.add(entry.step_key)
    stages = {step: "gates" for step in checks}
    for step, keys in assets.items():
        groups = {STAGE_OF_GROUP.get(graph.get(key).group_name, OTHER) for key in keys if graph.has(key)}
        stages[step] = next((stage for stage in STAGES if stage in groups), OTHER)
    return stages
