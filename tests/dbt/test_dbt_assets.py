"""The Dagster view of the dbt project: every seed and model an asset in its layer's group, keyed
<schema>/<name>, staging fed by the raw/<table> source assets, and every dbt data test an asset check."""

import json

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from sepakat_dagster.defs.dbt.assets import translator
from tests.dbt.conftest import BuiltWarehouse


def test_every_model_is_an_asset_in_its_layer_group_and_every_test_a_check(built_warehouse: BuiltWarehouse):
    manifest = json.loads((built_warehouse.target_path / "manifest.json").read_text())

    @dbt_assets(manifest=manifest, dagster_dbt_translator=translator)
    def sepakat_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        yield from dbt.cli(["build"], context=context).stream()

    specs = {spec.key: spec for spec in sepakat_dbt.specs}
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] in {"model", "seed"}]
    groups = {"seed": "agreed_metadata"}
    for node in nodes:
        key = dg.AssetKey([node["schema"], node["name"]])
        assert key in specs, key
        expected_group = groups.get(node["resource_type"], node["fqn"][1])
        assert specs[key].group_name == expected_group, key
    assert {specs[dg.AssetKey(["staging", "stg_regsosek__households"])].group_name,
            specs[dg.AssetKey(["intermediate", "int_persons"])].group_name} == {"staging", "intermediate"}
    assert dg.AssetKey(["raw", "regsosek_keluarga"]) in {
        dep.asset_key for dep in specs[dg.AssetKey(["staging", "stg_regsosek__households"])].deps
    }

    # Generic tests attach to the model they test; a singular test to the one model or seed it reads.
    data_tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    checks = {(check.asset_key, check.name) for check in sepakat_dbt.check_specs}
    assert len(checks) == len(data_tests)
    assert (dg.AssetKey(["staging", "stg_dtks__households"]),
            "codes_are_mapped_stg_dtks__households__roof_material") in checks
    assert (dg.AssetKey(["intermediate", "int_persons"]), "unique_int_persons_person_record_key") in checks
