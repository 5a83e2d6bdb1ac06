"""dbt data tests block like the great-expectations gates (an error-severity failure stops `dbt build` and what
follows in the Dagster run), so they follow the same rule (docs/quality.md, "Thresholds that scale"): every
blocking test states why in config.meta.why and is either an invariant the pipeline's code or seeds guarantee
(meta.invariant, zero tolerance) or a rate gate (a max_share argument) that warns at any failure and errors only
above the share. One unmapped code among 5.5 million persons must not stop a province's refresh."""

from __future__ import annotations

import json

from tests.dbt.conftest import BuiltWarehouse

# Custom generic tests that take a max_share and turn it into a rate (macros/rate_gates.sql).
RATE_TESTS = {"codes_are_mapped", "unique_combination", "share_failing_below"}


def data_tests(built_warehouse: BuiltWarehouse) -> list[dict]:
    manifest = json.loads((built_warehouse.target_path / "manifest.json").read_text())
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]


def test_every_blocking_dbt_test_is_a_rate_or_a_stated_invariant(built_warehouse: BuiltWarehouse):
    problems, invariants, rates = [], 0, 0
    for test in data_tests(built_warehouse):
        config, name = test["config"], test["name"]
        if config["severity"].lower() != "error":
            continue
        meta = config.get("meta") or {}
        kind = (test.get("test_metadata") or {}).get("name", "singular")
        max_share = ((test.get("test_metadata") or {}).get("kwargs") or {}).get("max_share")
        if not str(meta.get("why") or "").strip():
            problems.append(f"{name}: blocks but says no why (config.meta.why)")
        if max_share is not None:
            rates += 1
            if kind not in RATE_TESTS:
                problems.append(f"{name}: max_share on {kind}, which ignores it")
            elif not 0 < max_share < 1:
                problems.append(f"{name}: max_share {max_share} is not a share")
            elif meta.get("invariant"):
                problems.append(f"{name}: marked invariant but tolerates a rate")
            elif (config["warn_if"], config["error_if"]) != ("> 0", f"> {round(max_share * 1_000_000)}"):
                problems.append(f"{name}: a rate gate warns at any failure and errors above max_share, "
                                f"not warn_if {config['warn_if']} / error_if {config['error_if']}")
        elif meta.get("invariant") is not True:
            problems.append(f"{name}: zero tolerance on data; give it a max_share or mark it invariant")
        else:
            invariants += 1
            if (config["fail_calc"], config["error_if"]) != ("count(*)", "!= 0"):
                problems.append(f"{name}: an invariant tolerates nothing, not {config['fail_calc']} "
                                f"{config['error_if']}")
    assert not problems, "\n".join(problems)
    assert invariants > 300 and rates >= 30  # the rule was applied, not skipped


def test_codes_delivered_by_registries_never_block_at_zero_tolerance(built_warehouse: BuiltWarehouse):
    # Every code a registry delivers can hold a keying slip: such a test is a rate or a warning, never an invariant.
    for test in data_tests(built_warehouse):
        if (test.get("test_metadata") or {}).get("name") == "codes_are_mapped":
            is_rate = test["test_metadata"]["kwargs"].get("max_share") is not None
            assert test["config"]["severity"].lower() == "warn" or is_rate, test["name"]
