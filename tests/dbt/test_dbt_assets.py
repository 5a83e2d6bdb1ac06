"""The Dagster view of the dbt project: every seed and model an asset in its layer's group (or the group its
config names, as the marts' helpers do), keyed <schema>/<name>, staging fed by the raw/<table> source assets, every
dbt data test an asset check, and each node in one of the two dbt steps."""

import json
from collections import Counter

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from sepakat_dagster.defs.dbt.assets import sepakat_dbt_harmonisation, sepakat_dbt_marts, translator
from sepakat_dagster.defs.dbt.project import sepakat_dbt_project
from tests.dbt.conftest import MARTS_BUILD, BuiltWarehouse


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
        expected_group = groups.get(node["resource_type"]) or node["meta"].get("dagster", {}).get("group") \
            or node["fqn"][1]
        assert specs[key].group_name == expected_group, key
    assert {specs[dg.AssetKey(["staging", "stg_regsosek__households"])].group_name,
            specs[dg.AssetKey(["intermediate", "int_persons"])].group_name} == {"staging", "intermediate"}
    # Built after the linkage with the marts, and a stage of the refresh is a group (benchmarks/bench_province.py).
    assert specs[dg.AssetKey(["intermediate", "int_marts_persons"])].group_name == "marts"
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


def test_the_two_dbt_steps_build_every_seed_model_and_test_once():
    """One dbt build each side of the linkage (dbt_project/selectors.yml): no node is built twice or never, and the
    command-line form of the marts selector that the tests use beside a --select selects the same nodes."""
    manifest = json.loads(sepakat_dbt_project().manifest_path.read_text())
    steps = (sepakat_dbt_harmonisation, sepakat_dbt_marts)
    assets, checks = [set(step.keys) for step in steps], [set(step.check_keys) for step in steps]
    nodes = Counter(n["resource_type"] for n in manifest["nodes"].values())
    assert not assets[0] & assets[1] and len(assets[0] | assets[1]) == nodes["model"] + nodes["seed"]
    assert not checks[0] & checks[1] and len(checks[0] | checks[1]) == nodes["test"]
    assert dg.AssetKey(["intermediate", "int_marts_program_rules"]) in assets[1]  # a helper that reads no linkage

    @dbt_assets(manifest=manifest, select=MARTS_BUILD, dagster_dbt_translator=translator)
    def marts_build(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        yield from dbt.cli(["build"], context=context).stream()

    assert set(marts_build.keys) == assets[1] and set(marts_build.check_keys) == checks[1]
