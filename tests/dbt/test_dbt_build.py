"""`dbt build` on a generated province: everything builds and passes its tests, every model is documented and
tested, and the harmonised tables say what the registries say (checked against the generator's ground truth)."""

from __future__ import annotations

import json
from collections import Counter

from tests.dbt.conftest import BuiltWarehouse, normalise_name_sql

# The columns (and DuckDB types) the Splink linkage reads from int_persons.
LINKAGE_CONTRACT = {
    "person_record_key": "VARCHAR", "registry": "VARCHAR", "source_table": "VARCHAR", "record_id": "VARCHAR",
    "household_record_key": "VARCHAR", "nik": "VARCHAR", "nik_is_valid": "BOOLEAN", "nik_birth_date": "DATE",
    "nik_sex": "VARCHAR", "nik_region_code": "VARCHAR", "full_name": "VARCHAR", "name_normalised": "VARCHAR",
    "first_name": "VARCHAR", "last_name": "VARCHAR", "name_tokens_sorted": "VARCHAR", "sex": "VARCHAR",
    "birth_date": "DATE", "birth_year": "INTEGER", "sex_disagrees_with_nik": "BOOLEAN",
    "birth_date_disagrees_with_nik": "BOOLEAN", "village_code": "VARCHAR", "district_code": "VARCHAR",
    "regency_code": "VARCHAR", "province_code": "VARCHAR", "relationship_to_head": "VARCHAR",
    "registry_decile": "INTEGER",
}
# Warnings the generated data is expected to raise: members of household rows the loader quarantined.
EXPECTED_WARNINGS = {
    "relationships_stg_regsosek__persons__household_id", "relationships_stg_dtks__persons__household_id",
    "relationships_stg_p3ke__persons__family_id", "not_null_int_persons__village_code",
    "relationships_int_persons__household_record_key",
}
STAGING_OF_RAW = {
    "stg_regsosek__households": "regsosek_keluarga", "stg_regsosek__persons": "regsosek_individu",
    "stg_dtks__households": "dtks_ruta", "stg_dtks__persons": "dtks_art", "stg_p3ke__families": "p3ke_keluarga",
    "stg_p3ke__persons": "p3ke_individu", "stg_dapodik__pupils": "dapodik_peserta_didik",
    "stg_kesehatan__services": "kesehatan_layanan", "stg_sipd__budget_lines": "sipd_anggaran",
    "stg_inarisk__hazards": "inarisk_bahaya", "stg_musdes__corrections": "musdes_usulan",
}


def test_dbt_build_passes_every_test_and_unit_test(built_warehouse: BuiltWarehouse):
    build = built_warehouse.build
    assert build.returncode == 0, build.output[-4000:]
    statuses = Counter(result["status"] for result in build.results.values())
    assert statuses["error"] == statuses["fail"] == statuses["skipped"] == 0, statuses
    warned = {name for name, result in build.results.items() if result["status"] == "warn"}
    assert warned <= EXPECTED_WARNINGS
    unit_tests = {name for name, result in build.results.items() if result["unique_id"].startswith("unit_test.")}
    assert {
        "nik_parsing_and_the_plus_40_rule", "names_are_normalised_and_tokenised",
        "corrections_flag_persons_without_overwriting", "proposals_are_matched_on_nik_with_an_audit_trail",
        "rtlh_under_the_kemensos_rule_set", "rtlh_under_the_bps_rule_set", "rtlh_under_the_pupr_rule_set",
    } <= unit_tests


def test_every_model_and_seed_is_documented_and_tested(built_warehouse: BuiltWarehouse):
    manifest = json.loads((built_warehouse.target_path / "manifest.json").read_text())
    # The seeds and models the harmonisation build built (the marts come after the linkage, not run here).
    nodes = [manifest["nodes"][result["unique_id"]] for result in built_warehouse.build.results.values()
             if result["unique_id"].startswith(("model.", "seed."))]
    tested = Counter(
        n.get("attached_node") for n in manifest["nodes"].values() if n["resource_type"] == "test"
    )
    for node in nodes:
        relation = f"{node['schema']}.{node['name']}"
        assert node["description"].strip(), f"{relation} has no description"
        assert tested[node["unique_id"]] > 0, f"{relation} has no tests"
        columns = {row[0] for row in built_warehouse.query(f"describe {relation}")}
        documented = {name for name, column in node["columns"].items() if column["description"].strip()}
        assert columns == documented, f"{relation}: undocumented {columns - documented}, stale {documented - columns}"
        if node["resource_type"] == "seed":
            assert {"source", "agreed_by", "valid_from"} <= set(node["config"]["meta"]), relation


def test_staging_keeps_one_row_per_raw_row_and_maps_every_code(built_warehouse: BuiltWarehouse):
    for model, raw in STAGING_OF_RAW.items():
        assert built_warehouse.scalar(f"select count(*) from staging.{model}") == built_warehouse.scalar(
            f"select count(*) from raw.{raw}"
        ), model
        columns = [row[0] for row in built_warehouse.query(f"describe staging.{model}")]
        unknown = " or ".join(f"cast({c} as varchar) = 'unknown'" for c in columns)
        assert built_warehouse.scalar(f"select count(*) from staging.{model} where {unknown}") == 0, model
    # Regsosek's BPS village codes reach Kemendagri codes through the crosswalk; P3KE's dotted codes lose the dots.
    assert built_warehouse.scalar(
        "select count(*) from staging.stg_regsosek__households where village_code is null or len(village_code) <> 10"
    ) == 0
    assert built_warehouse.scalar("select count(*) from staging.stg_p3ke__families where village_code like '%.%'") == 0


def test_int_persons_holds_every_registry_person_under_the_linkage_contract(built_warehouse: BuiltWarehouse):
    types = dict(built_warehouse.query("select column_name, data_type from information_schema.columns "
                                       "where table_schema = 'intermediate' and table_name = 'int_persons'"))
    assert {name: types.get(name) for name in LINKAGE_CONTRACT} == LINKAGE_CONTRACT
    manifest = json.loads((built_warehouse.target_path / "manifest.json").read_text())
    assert manifest["nodes"]["model.sepakat.int_persons"]["config"]["contract"]["enforced"]
    assert manifest["nodes"]["model.sepakat.int_households"]["config"]["contract"]["enforced"]

    per_registry = dict(built_warehouse.query("select registry, count(*) from intermediate.int_persons group by 1"))
    assert per_registry == {
        "regsosek": built_warehouse.scalar("select count(*) from staging.stg_regsosek__persons"),
        "dtks": built_warehouse.scalar("select count(*) from staging.stg_dtks__persons"),
        "p3ke": built_warehouse.scalar("select count(*) from staging.stg_p3ke__persons"),
    }


def test_nik_checks_agree_with_what_the_generator_did(built_warehouse: BuiltWarehouse):
    """Against the ground truth: a NIK left alone parses to the true birth date and sex; a flipped sex or a
    swapped day and month in the recorded values shows up as a disagreement, and nothing else does."""
    truth = built_warehouse.truth
    rows = built_warehouse.query(f"""
        select
            rm.wrong_sex, rm.birth_date_swap, p.nik_is_valid,
            p.nik_birth_date = t.birth_date as nik_date_is_true, p.nik_sex = t.sex as nik_sex_is_true,
            p.sex_disagrees_with_nik, p.birth_date_disagrees_with_nik
        from intermediate.int_persons as p
        join '{truth}/record_map.parquet' as rm on rm.source = p.source_table and rm.record_id = p.record_id
        join '{truth}/persons.parquet' as t on t.person_id = rm.person_id
        where not (rm.nik_missing or rm.nik_digit_error or rm.nik_transposition or rm.broken_excel_number
                   or rm.broken_date)
    """)
    assert len(rows) > 5000
    for wrong_sex, swapped, valid, date_true, sex_true, sex_disagrees, date_disagrees in rows:
        assert valid and date_true and sex_true
        assert sex_disagrees == wrong_sex
        assert date_disagrees == swapped
    assert sum(r[0] for r in rows) > 0 and sum(r[1] for r in rows) > 0
    # NIKs the generator broke (missing, mistyped) are mostly flagged invalid; none of the clean ones are.
    invalid_rate = built_warehouse.scalar("select avg(1 - nik_is_valid::int) from intermediate.int_persons")
    assert 0.01 < invalid_rate < 0.10


def test_only_mistyped_niks_point_outside_the_province(built_warehouse: BuiltWarehouse):
    """The generator registers everyone in their own province (no movers yet, docs/synthetic-data.md), so a valid
    NIK of another province can only be a planted digit error or transposition that lands on a real district
    elsewhere: the price of a structural check that accepts the whole country."""
    truth = built_warehouse.truth
    outside, explained = built_warehouse.query(f"""
        select count(*), count(*) filter (where rm.nik_digit_error or rm.nik_transposition)
        from intermediate.int_persons as p
        join '{truth}/record_map.parquet' as rm on rm.source = p.source_table and rm.record_id = p.record_id
        where p.nik_registered_outside_province
    """)[0]
    assert outside == explained
    assert built_warehouse.scalar(
        "select count(*) from intermediate.int_persons where nik_registered_outside_province is not null "
        "and not nik_is_valid") == 0


def test_titles_and_old_spellings_normalise_back_to_the_true_name(built_warehouse: BuiltWarehouse):
    truth = built_warehouse.truth
    mismatches, total = built_warehouse.query(f"""
        select count(*) filter (where p.name_normalised is distinct from {normalise_name_sql('t.name')}), count(*)
        from intermediate.int_persons as p
        join '{truth}/record_map.parquet' as rm on rm.source = p.source_table and rm.record_id = p.record_id
        join '{truth}/persons.parquet' as t on t.person_id = rm.person_id
        where (rm.name_title or rm.name_spelling_variant) and not (rm.name_typo or rm.name_reordered)
    """)[0]
    assert total > 200
    assert mismatches == 0


def test_corrections_are_an_audit_trail_and_never_overwrite(built_warehouse: BuiltWarehouse):
    # Every proposal is in the trail, matched or not.
    assert built_warehouse.scalar("""
        select count(*) from staging.stg_musdes__corrections as s
        where s.proposal_id not in (select proposal_id from intermediate.int_registry_corrections)
    """) == 0
    statuses = dict(built_warehouse.query(
        "select status, count(*) from intermediate.int_registry_corrections group by 1"))
    assert statuses.get("applied", 0) > 0
    # Recorded villages are untouched; a reported move is a separate column.
    assert built_warehouse.scalar("""
        select count(*) from intermediate.int_persons as p
        join intermediate.int_persons_unioned as u using (person_record_key)
        where p.village_code is distinct from u.village_code
    """) == 0
    moved = built_warehouse.scalar("""
        select count(*) from intermediate.int_households
        where reported_moved_to_village_code is not null and village_code_after_corrections <> village_code
    """)
    assert moved > 0
    # Persons a village reported dead really died (the ground truth says so).
    dead, reported = built_warehouse.query(f"""
        select count(*) filter (where not t.alive), count(*)
        from intermediate.int_persons as p
        join '{built_warehouse.truth}/record_map.parquet' as rm
            on rm.source = p.source_table and rm.record_id = p.record_id
        join '{built_warehouse.truth}/persons.parquet' as t on t.person_id = rm.person_id
        where p.reported_deceased
    """)[0]
    assert reported > 0 and dead == reported


def test_welfare_rankings_put_each_registry_decile_side_by_side(built_warehouse: BuiltWarehouse):
    assert built_warehouse.scalar("select distinct reference_ranking from intermediate.int_welfare_rankings") == (
        "regsosek"
    )
    # A person's Regsosek decile in the side-by-side table is the one int_persons carries.
    assert built_warehouse.scalar("""
        select count(*) from intermediate.int_welfare_rankings as w
        join (select nik, min(registry_decile) as decile from intermediate.int_persons
              where registry = 'regsosek' and nik_is_valid group by nik) as r on w.unit_key = r.nik
        where w.ranking_unit = 'person' and w.regsosek_decile is distinct from r.decile
    """) == 0
    both = built_warehouse.scalar("""
        select count(*) from intermediate.int_welfare_rankings
        where regsosek_decile is not null and dtks_decile is not null
    """)
    assert both > 0
