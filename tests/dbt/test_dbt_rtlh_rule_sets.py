"""The RTLH rule set in force is one dbt var: switching it changes int_households exactly as the seeds say."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from sepakat_dagster.paths import SEEDS_DIR
from tests.dbt.conftest import BuiltWarehouse, run_dbt

COMPONENTS = {  # component -> int_households column, in the order rtlh_reasons lists them
    "roof": "roof_material", "wall": "wall_material", "floor": "floor_material",
    "sanitation": "sanitation_facility", "lighting": "lighting_source", "water": "drinking_water_source",
}
HOUSEHOLD_COLUMNS = ["household_record_key", "floor_area_per_person_m2", *COMPONENTS.values()]


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / "rules" / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def predict(households: list[tuple], rule_set: str) -> dict[str, str | None]:
    """RTLH reasons per household, straight from the seeds (an independent reading of the rules):
    {household key: 'floor_area,roof,...' for RTLH houses, 'not_assessable' where the unknown criteria (no floor
    area, a category the rule set does not list) decide, None for liveable houses}."""
    rules = next(r for r in _seed("rtlh_rule_sets") if r["rule_set"] == rule_set)
    materials = [m for m in _seed("rtlh_materials") if m["rule_set"] == rule_set]
    unfit = {(m["component"], m["category"]) for m in materials if m["counts_as_unfit"] == "true"}
    listed = {(m["component"], m["category"]) for m in materials}
    judged = {m["component"] for m in materials}
    minimum = int(rules["min_failed_criteria"])
    verdicts = {}
    for key, area_per_person, *categories in households:
        failed, unknown = [], 0
        if area_per_person is None:
            unknown += 1
        elif area_per_person < float(rules["min_floor_area_per_person_m2"]):
            failed.append("floor_area")
        for component, category in zip(COMPONENTS, categories, strict=True):
            if (component, category) in unfit:
                failed.append(component)
            elif component in judged and (component, category) not in listed:
                unknown += 1
        verdicts[key] = (",".join(failed) if len(failed) >= minimum
                         else "not_assessable" if len(failed) + unknown >= minimum else None)
    return verdicts


def _verdicts(warehouse: Path) -> tuple[set[str], dict[str, str | None]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select rtlh_rule_set, household_record_key, rtlh_verdict, rtlh_reasons "
                           "from intermediate.int_households").fetchall()
    return {r[0] for r in rows}, {key: {"rtlh": reasons, "not_assessable": verdict}.get(verdict)
                                  for _, key, verdict, reasons in rows}


def test_switching_the_rtlh_rule_set_changes_the_counts_as_the_rules_predict(
    built_warehouse: BuiltWarehouse, warehouse_copy: Path, tmp_path: Path
):
    households = built_warehouse.query(f"select {', '.join(HOUSEHOLD_COLUMNS)} from intermediate.int_households")
    rtlh_counts, area_failures = {}, {}
    for rule_set in ("kemensos", "bps", "pupr"):
        if rule_set == "kemensos":  # the default in dbt_project.yml: the session build already used it
            rule_sets, verdicts = _verdicts(built_warehouse.path)
        else:
            run = run_dbt(["run", "--select", "int_households", "--vars", f"{{rtlh_rule_set: {rule_set}}}"],
                          warehouse_copy, tmp_path / f"target_{rule_set}")
            assert run.returncode == 0, run.output[-3000:]
            rule_sets, verdicts = _verdicts(warehouse_copy)
        assert rule_sets == {rule_set}
        assert verdicts == predict(households, rule_set)
        rtlh_counts[rule_set] = sum(v not in (None, "not_assessable") for v in verdicts.values())
        minimum = float(next(r for r in _seed("rtlh_rule_sets") if r["rule_set"] == rule_set)[
            "min_floor_area_per_person_m2"])
        area_failures[rule_set] = sum(1 for _, area, *_ in households if area is not None and area < minimum)

    # The forum's choice matters: each rule set gives another count, and a higher area minimum fails more houses.
    assert len(set(rtlh_counts.values())) == 3, rtlh_counts
    assert area_failures["kemensos"] < area_failures["bps"] < area_failures["pupr"]
    # Kemensos needs three failed criteria, BPS and PUPR one: Kemensos counts the fewest.
    assert rtlh_counts["kemensos"] < min(rtlh_counts["bps"], rtlh_counts["pupr"])


def test_an_unknown_rule_set_stops_the_build(warehouse_copy: Path, tmp_path: Path):
    run = run_dbt(["run", "--select", "int_households", "--vars", "{rtlh_rule_set: dinas_sosial_2019}"],
                  warehouse_copy, tmp_path / "target")
    assert run.returncode != 0
    assert "rtlh_rule_set = dinas_sosial_2019 is not a rule_set" in run.output
