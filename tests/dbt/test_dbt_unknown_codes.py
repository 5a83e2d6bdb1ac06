"""A code or label the codebooks do not know is never passed on silently: staging maps it to 'unknown' (NULL for
numbers and booleans), a test names it, and where it would change who is targeted the test blocks what follows."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dbt.conftest import HARMONISATION_EXCLUDES, run_dbt


def test_an_unknown_code_is_flagged_named_and_blocks_what_depends_on_it(warehouse_copy: Path, tmp_path: Path):
    with duckdb.connect(str(warehouse_copy)) as con:
        roof_house = con.execute("select min(id_dtks) from raw.dtks_ruta").fetchone()[0]
        con.execute("update raw.dtks_ruta set atap = 'Daun Lontar' where id_dtks = ?", [roof_house])
        family = con.execute("select min(id_keluarga_p3ke) from raw.p3ke_keluarga").fetchone()[0]
        con.execute("update raw.p3ke_keluarga set desil_kesejahteraan = 'Desil 7' where id_keluarga_p3ke = ?",
                    [family])
        member = con.execute("select min(id_art) from raw.dtks_art").fetchone()[0]
        con.execute("update raw.dtks_art set jenis_kelamin = 'L' where id_art = ?", [member])

    run = run_dbt(["build", "--select", "stg_dtks__households+", "stg_dtks__persons", "stg_p3ke__families",
                   "--exclude", HARMONISATION_EXCLUDES, "--store-failures"], warehouse_copy, tmp_path / "target")

    # A roof label nobody agreed on and a P3KE decile outside 1-4 would change RTLH and eligibility: errors.
    assert run.returncode != 0
    for test in ("codes_are_mapped_stg_dtks__households__roof_material", "codes_are_mapped_stg_p3ke__families__decile"):
        assert run.status(test) == "fail"
        assert run.results[test]["failures"] == 1
    # An unknown sex label is reported but does not stop anything.
    assert run.status("codes_are_mapped_stg_dtks__persons__sex") == "warn"
    # What depends on the flagged staging model does not run in this build.
    assert run.status("int_households_unioned") == "skipped"
    assert run.status("int_households") == "skipped"

    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        # The test names the value and how many rows carry it...
        assert con.execute("select unmapped_value, rows_affected from "
                           "dbt_test__audit.codes_are_mapped_stg_dtks__households__roof_material").fetchall() == [
            ("DAUN LONTAR", 1)]
        assert con.execute("select unmapped_value from "
                           "dbt_test__audit.codes_are_mapped_stg_p3ke__families__decile").fetchall() == [("DESIL 7",)]
        # ...and staging flags the rows instead of passing the label on.
        assert con.execute("select roof_material from staging.stg_dtks__households where household_id = ?",
                           [roof_house]).fetchone() == ("unknown",)
        assert con.execute("select decile from staging.stg_p3ke__families where family_id = ?",
                           [family]).fetchone() == (None,)
        assert con.execute("select sex from staging.stg_dtks__persons where person_id = ?",
                           [member]).fetchone() == ("unknown",)
        assert con.execute("select count(*) from staging.stg_dtks__households where roof_material = 'unknown'"
                           ).fetchone() == (1,)
