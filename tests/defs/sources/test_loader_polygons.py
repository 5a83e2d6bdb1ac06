"""The `polygon` column type: a slum-area file with good and bad geometries, each bad one quarantined by file,
record and field with a reason that names the rule and never a coordinate."""

import dataclasses
from pathlib import Path

import pytest

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import LandedFile, load_source, recount_file, vintage_of

HEADER = "id_kawasan,kode_kabupaten,tingkat_kekumuhan,luas_ha,geometri"
SQUARE = "POLYGON ((123.6 -10.2, 123.7 -10.2, 123.7 -10.1, 123.6 -10.1, 123.6 -10.2))"
WITH_HOLE = ("POLYGON ((123.6 -10.2, 123.7 -10.2, 123.7 -10.1, 123.6 -10.1, 123.6 -10.2), "
             "(123.62 -10.18, 123.64 -10.18, 123.64 -10.16, 123.62 -10.16, 123.62 -10.18))")
TWO_PARTS = ("MULTIPOLYGON (((123.6 -10.2, 123.61 -10.2, 123.61 -10.19, 123.6 -10.2)), "
             "((123.65 -10.2, 123.66 -10.2, 123.66 -10.19, 123.65 -10.2)))")
BOW_TIE = "POLYGON ((123.6 -10.2, 123.7 -10.1, 123.7 -10.2, 123.6 -10.1, 123.6 -10.2))"
SWAPPED = "POLYGON ((-10.2 123.6, -10.2 123.7, -10.1 123.7, -10.2 123.6))"


@pytest.fixture
def con(tmp_path: Path):
    with duckdb_limits.connect(tmp_path / "warehouse.duckdb") as connection:
        yield connection


def test_bad_geometries_are_quarantined_with_their_reason(tmp_path, con, seeds):
    rows = [
        f'KK-1,5371,BERAT,3.5,"{SQUARE}"',
        f'KK-2,5371,SEDANG,4.0,"{WITH_HOLE}"',
        f'KK-3,5371,RINGAN,1.0,"{TWO_PARTS}"',
        f'KK-4,5371,BERAT,2.0,"{BOW_TIE}"',
        'KK-5,5371,BERAT,2.0,"POINT (123.6 -10.2)"',
        'KK-6,5371,BERAT,2.0,"POLYGON ((123.6 -10.2, 123.7"',
        f'KK-7,5371,BERAT,2.0,"{SWAPPED}"',
        "KK-8,5371,BERAT,2.0,",
    ]
    path = tmp_path / "landing" / "pupr" / "kawasan_kumuh_20240630.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    landed = LandedFile(path=path, name="pupr/kawasan_kumuh_20240630.csv", vintage=vintage_of(path.name))
    source = dataclasses.replace(load_catalog()["kawasan_kumuh"], max_quarantine_share=1.0)

    result = load_source(con, source, landed, seeds)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (8, 3, 5)
    assert result.rows_read == recount_file(con, source, landed)  # what the conservation check counts
    loaded = con.execute("select id_kawasan from raw.kawasan_kumuh order by 1").fetchall()
    assert loaded == [("KK-1",), ("KK-2",), ("KK-3",)]
    quarantined = con.execute(
        "select file_name, record_no, field, reason from audit.quarantine order by record_no").fetchall()
    assert quarantined == [
        ("pupr/kawasan_kumuh_20240630.csv", 4, "geometri", "invalid polygon: Self-intersection"),
        ("pupr/kawasan_kumuh_20240630.csv", 5, "geometri", "not a polygon (Point)"),
        ("pupr/kawasan_kumuh_20240630.csv", 6, "geometri", "not readable as WKT"),
        ("pupr/kawasan_kumuh_20240630.csv", 7, "geometri",
         "outside Indonesia in WGS84 lon/lat (projected, or latitude and longitude swapped?)"),
        ("pupr/kawasan_kumuh_20240630.csv", 8, "geometri", "missing required value"),
    ]
    assert not any("123" in reason or "10." in reason for *_, reason in quarantined)  # no coordinate in a reason
