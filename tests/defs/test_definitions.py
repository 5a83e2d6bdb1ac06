"""The whole code location loads, and its asset keys, groups and checks are the ones the catalogue implies."""

import dagster as dg

from sepakat_dagster.definitions import defs
from sepakat_dagster.defs.sources.catalog import load_catalog


def test_definitions_load_with_every_source_grouped_and_guarded():
    repository = defs().get_repository_def()
    graph = repository.asset_graph
    source_keys = {dg.AssetKey(["raw", name]) for name in load_catalog()}
    assert source_keys <= graph.get_all_asset_keys()
    assert {graph.get(key).group_name for key in source_keys} == {"sources"}
    blocking = {key.asset_key for key in graph.asset_check_keys if key.name == "rows_conserved"}
    assert blocking == source_keys
    assert "refresh" in {job.name for job in repository.get_all_jobs()}


def test_every_asset_has_a_group_a_description_and_an_owner():
    graph = defs().resolve_asset_graph()
    assets = [graph.get(key) for key in graph.get_all_asset_keys() if graph.get(key).is_materializable]
    assert {node.group_name for node in assets} == {
        "sources", "agreed_metadata", "staging", "intermediate", "places", "linkage", "marts", "evaluation", "villages",
        "reports", "publish", "national"}
    assert not [node.key.to_user_string() for node in assets if not node.description or not node.owners]
