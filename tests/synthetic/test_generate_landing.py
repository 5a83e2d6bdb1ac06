"""Landing files honour the catalogue: names, headers, traceability to the truth, and structural validity as
the loader itself checks it (quarantined rows are exactly the rows flagged as deliberately broken)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sepakat_dagster.defs.sources.catalog import Source, load_catalog, normalise_header
from sepakat_dagster.defs.sources.loader import find_landed_file, load_source, vintage_of
from sepakat_dagster.paths import SEEDS_DIR

BROKEN = ["broken_excel_number", "broken_date", "broken_region"]
PERSON_SOURCES = (
    "regsosek_individu",
    "dtks_art",
    "p3ke_individu",
    "dapodik_peserta_didik",
    "emis_siswa",
    "kesehatan_layanan",
    "musdes_usulan",
)
HOUSEHOLD_SOURCES = ("regsosek_keluarga", "dtks_ruta", "p3ke_keluarga")
# Every source a province's registries deliver; the optional ones (the national pass's targeting flags) come from the
# pipeline itself, never from the generator.
GENERATED = [source for source in load_catalog().values() if not source.optional]

LandingFile = Callable[[Path, Source], Path]
ReadLanding = Callable[[Path, str], pd.DataFrame]


def test_one_file_per_source_with_a_vintage_and_headers_that_normalise_to_the_catalogue(
    default_run: Path, landing_file: LandingFile
) -> None:
    for source in GENERATED:
        path = landing_file(default_run, source)
        assert vintage_of(path.name) is not None, path.name
        with path.open(encoding="utf-8", newline="") as handle:
            if source.format.type == "jsonl":
                names = list(json.loads(handle.readline()))
            else:
                header = next(
                    csv.reader(handle, delimiter=source.format.delimiter, quotechar=source.format.quote)
                )
                names = [normalise_header(name) for name in header]
        assert names == [c.name for c in source.columns], source.name


def test_headers_use_each_source_systems_spelling(default_run: Path, landing_file: LandingFile) -> None:
    catalog = load_catalog()
    first_line = {
        name: landing_file(default_run, catalog[name]).read_text(encoding="utf-8").split("\n", 1)[0]
        for name in ("dtks_art", "p3ke_keluarga", "kesehatan_layanan", "regsosek_individu")
    }
    assert first_line["dtks_art"].startswith("ID_ART;ID_DTKS;NIK;NAMA;")
    assert first_line["p3ke_keluarga"].startswith("ID Keluarga P3KE|No KK|Provinsi|Kabupaten/Kota|")
    assert first_line["kesehatan_layanan"].startswith("ID_LAYANAN\tNIK\tNAMA_PASIEN")
    assert first_line["regsosek_individu"].startswith("id_art,id_keluarga,nik,nama,")


@pytest.mark.parametrize("name", PERSON_SOURCES + HOUSEHOLD_SOURCES)
def test_every_record_appears_once_in_the_record_map(
    default_run: Path, record_map: pd.DataFrame, read_landing: ReadLanding, name: str
) -> None:
    source = load_catalog()[name]
    ids = read_landing(default_run, name)[source.key[0]]
    mapped = record_map.loc[record_map["source"] == name, "record_id"]
    assert ids.is_unique and mapped.is_unique
    assert sorted(ids) == sorted(mapped)
    if name in PERSON_SOURCES:
        assert record_map.loc[record_map["source"] == name, "person_id"].notna().all()


def _load_all(run: Path) -> dict[str, int]:
    con = duckdb.connect()
    quarantined = {}
    for source in GENERATED:
        result = load_source(con, source, find_landed_file(source, run / "landing"), seeds_dir=SEEDS_DIR)
        assert result.unexpected_columns == ()
        quarantined[source.name] = result.rows_quarantined
    return quarantined


def test_the_loader_quarantines_exactly_the_rows_flagged_broken(
    default_run: Path, record_map: pd.DataFrame
) -> None:
    quarantined = _load_all(default_run)
    flagged = record_map[record_map[BROKEN].any(axis=1)].groupby("source").size()
    assert sum(quarantined.values()) > 0, "default rates should exercise the quarantine"
    for name, count in quarantined.items():
        assert count == flagged.get(name, 0), name


def test_rate_zero_gives_clean_files(clean_run: Path) -> None:
    assert set(_load_all(clean_run).values()) == {0}
    flags = pd.read_parquet(clean_run / "truth" / "record_map.parquet").drop(
        columns=["source", "record_id", "person_id", "household_id", "stale_deceased", "stale_moved",
                 "national_person_id", "national_household_id"]
    )
    assert not flags.any().any()


def test_record_map_and_truth_tables_link(
    record_map: pd.DataFrame, persons: pd.DataFrame, households: pd.DataFrame
) -> None:
    assert not record_map.duplicated(["source", "record_id"]).any()
    assert record_map["household_id"].isin(households["household_id"]).all()
    assert record_map["person_id"].dropna().isin(persons["person_id"]).all()
