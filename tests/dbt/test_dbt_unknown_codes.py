"""A code or label the codebooks do not know is never passed on silently: staging maps it to 'unknown' (NULL for
numbers and booleans) and a test names it. Where it would change who is targeted the test is a rate gate: a few
such rows in a province warn and block nothing, a share above the threshold (0.1 %) errors and blocks what depends
on the model (docs/quality.md, "Thresholds that scale")."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

from tests.dbt.conftest import MARTS_BUILD, run_dbt

# The yml's max_share for every rate gate planted on below: 0.1 %, i.e. 1,000 failing rows per million.
MAX_PER_MILLION = 1_000


def grow(con: duckdb.DuckDBPyConnection, table: str, key: str, copies: int) -> int:
    """Add `copies` copies of every row of raw.<table> under new keys, so that a handful of planted rows is the small
    share it would be in a real province (the test province's 920 Regsosek households make one row 0.11 %)."""
    con.execute(f"""
        insert into raw.{table}
        select {table}.* replace ({key} || '-' || copy as {key})
        from raw.{table}, range(1, {copies + 1}) as copies(copy)
    """)
    return con.execute(f"select count(*) from raw.{table}").fetchone()[0]


def per_million(failing: int, checked: int) -> int:
    """What a rate gate reports as `failures`: failing rows per million checked, rounded up."""
    return math.ceil(1_000_000 * failing / checked)


def test_a_few_unknown_codes_warn_are_named_and_block_nothing(warehouse_copy: Path, tmp_path: Path):
    with duckdb.connect(str(warehouse_copy)) as con:
        # Six times the test province's households and families: about the size of a 20,000-person province.
        households = grow(con, "regsosek_keluarga", "id_keluarga", 5)
        families = grow(con, "p3ke_keluarga", "id_keluarga_p3ke", 5)
        roof_houses = [row[0] for row in con.execute(
            "select id_keluarga from raw.regsosek_keluarga where atap is not null order by id_keluarga limit 3"
        ).fetchall()]
        con.execute("update raw.regsosek_keluarga set atap = 99 where list_contains(?, id_keluarga)", [roof_houses])
        slipped_families = [row[0] for row in con.execute(
            "select id_keluarga_p3ke from raw.p3ke_keluarga order by id_keluarga_p3ke limit 2").fetchall()]
        con.execute("update raw.p3ke_keluarga set desil_kesejahteraan = 'Desil 7' "
                    "where list_contains(?, id_keluarga_p3ke)", [slipped_families])
        roofs_delivered = con.execute("select count(atap) from raw.regsosek_keluarga").fetchone()[0]

    # The staging models and the household tables built on them (the RTLH verdicts): what an error would block.
    run = run_dbt(["build", "--select", "stg_regsosek__households", "stg_p3ke__families", "int_households_unioned",
                   "int_households", "--store-failures"], warehouse_copy, tmp_path / "target")

    # 3 unknown roofs in about 5,500 and 2 unknown P3KE deciles in about 2,150 are keying slips: warnings only.
    assert run.returncode == 0, run.output[-3000:]
    roof_test = "codes_are_mapped_stg_regsosek__households__roof_material"
    assert run.status(roof_test) == "warn"
    assert run.results[roof_test]["failures"] == per_million(3, roofs_delivered) < MAX_PER_MILLION
    for test in ("codes_are_mapped_stg_p3ke__families__decile", "share_failing_below_stg_p3ke__families__decile"):
        assert run.status(test) == "warn"
        assert run.results[test]["failures"] == per_million(2, families) < MAX_PER_MILLION
    # Nothing downstream is held back by them.
    for model in ("int_households_unioned", "int_households"):
        assert run.status(model) == "success", model

    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        # The test names the value, how many rows carry it and out of how many...
        assert con.execute(
            f"select unmapped_value, rows_affected, rows_checked from dbt_test__audit.{roof_test}").fetchall() == [
            ("99", 3, roofs_delivered)]
        assert con.execute("select failing_rows, rows_checked from "
                           "dbt_test__audit.share_failing_below_stg_p3ke__families__decile").fetchall() == [
            (2, families)]
        # ...and the rows reach the harmonised layer flagged, not guessed: the roof criterion is left unassessed.
        assert con.execute(
            "select count(*) from intermediate.int_households where roof_material = 'unknown' "
            "and registry = 'regsosek' and rtlh_unassessed_criteria like '%roof%'").fetchone() == (3,)
        assert con.execute("select count(*) from intermediate.int_households where registry = 'regsosek'"
                           ).fetchone() == (households,)


def test_a_large_share_of_unknown_codes_errors_and_blocks_what_depends_on_it(warehouse_copy: Path, tmp_path: Path):
    with duckdb.connect(str(warehouse_copy)) as con:
        # 5 % of DTKS roofs under a label nobody agreed on: a batch coded another way, not keying slips.
        roof_houses = con.execute(
            "update raw.dtks_ruta set atap = 'Daun Lontar' where hash(id_dtks) % 20 = 0 returning id_dtks"
        ).fetchall()
        family = con.execute("select min(id_keluarga_p3ke) from raw.p3ke_keluarga").fetchone()[0]
        con.execute("update raw.p3ke_keluarga set desil_kesejahteraan = 'Desil 7' where id_keluarga_p3ke = ?",
                    [family])
        member = con.execute("select min(id_art) from raw.dtks_art").fetchone()[0]
        con.execute("update raw.dtks_art set jenis_kelamin = 'L' where id_art = ?", [member])
        dtks_households = con.execute("select count(atap) from raw.dtks_ruta").fetchone()[0]
        p3ke_families = con.execute("select count(*) from raw.p3ke_keluarga").fetchone()[0]

    run = run_dbt(["build", "--select", "stg_dtks__households+", "stg_dtks__persons", "stg_p3ke__families",
                   "--exclude", MARTS_BUILD, "--store-failures"], warehouse_copy, tmp_path / "target")

    assert run.returncode != 0
    # Above 0.1 % the rate gates error: 5 % of DTKS roofs, and one P3KE decile in the test province's 358 families.
    roof_test = "codes_are_mapped_stg_dtks__households__roof_material"
    assert run.status(roof_test) == "fail"
    assert run.results[roof_test]["failures"] == per_million(len(roof_houses), dtks_households) > MAX_PER_MILLION
    for test in ("codes_are_mapped_stg_p3ke__families__decile", "share_failing_below_stg_p3ke__families__decile"):
        assert run.status(test) == "fail"
        assert run.results[test]["failures"] == per_million(1, p3ke_families) > MAX_PER_MILLION
    # An unknown sex label changes no one's targeting: reported, never blocking, whatever its share.
    assert run.status("codes_are_mapped_stg_dtks__persons__sex") == "warn"
    # What depends on the flagged staging model does not run in this build.
    assert run.status("int_households_unioned") == "skipped"
    assert run.status("int_households") == "skipped"

    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        # The test names the value and how many rows carry it...
        assert con.execute(f"select unmapped_value, rows_affected from dbt_test__audit.{roof_test}").fetchall() == [
            ("DAUN LONTAR", len(roof_houses))]
        assert con.execute("select unmapped_value from "
                           "dbt_test__audit.codes_are_mapped_stg_p3ke__families__decile").fetchall() == [("DESIL 7",)]
        # ...and staging flags the rows instead of passing the label on.
        assert con.execute("select roof_material from staging.stg_dtks__households where household_id = ?",
                           [roof_houses[0][0]]).fetchone() == ("unknown",)
        assert con.execute("select decile from staging.stg_p3ke__families where family_id = ?",
                           [family]).fetchone() == (None,)
        assert con.execute("select sex from staging.stg_dtks__persons where person_id = ?",
                           [member]).fetchone() == ("unknown",)
        assert con.execute("select count(*) from staging.stg_dtks__households where roof_material = 'unknown'"
                           ).fetchone() == (len(roof_houses),)
