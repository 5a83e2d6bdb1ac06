"""The hand-made province warehouses of the national tests stand for real ones: every column the pass reads is a
column the dbt models declare (int_persons under an enforced contract)."""

import json

from sepakat_dagster.defs.dbt.project import sepakat_dbt_project
from sepakat_dagster.defs.national.nik_index import read_columns
from sepakat_dagster.defs.national.settings import rollups


def _declared() -> dict[str, set[str]]:
    manifest = json.loads(sepakat_dbt_project().manifest_path.read_text(encoding="utf-8"))
    return {node["name"]: set(node["columns"]) for node in manifest["nodes"].values()
            if node["resource_type"] == "model"}


def test_every_column_the_pass_reads_is_declared_by_the_province_models():
    declared = _declared()
    read = read_columns()
    assert read["int_persons"] <= declared["int_persons"]
    assert {"person_id", "person_key"} <= declared["int_marts_persons"]
    assert {"program", "person_key"} <= declared["targeting_list"]
    for rollup in rollups():
        columns = {"region_level", "region_code", "province_code", *rollup.keys, *rollup.labels, *rollup.measures}
        assert columns <= declared[rollup.mart], (rollup.mart, columns - declared[rollup.mart])
