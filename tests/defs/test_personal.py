"""The one definition of a personal column: it marks every name a person can be read or rebuilt from, in the raw
catalogue and in every dbt source, seed and model, and never fewer columns than the rules it replaced."""

import json
import re

import pytest

from sepakat_dagster.defs.dbt.project import MANIFEST_PATH
from sepakat_dagster.defs.personal import PIPELINE_NAMES, catalogue_names, is_personal_column
from sepakat_dagster.defs.sources.catalog import load_catalog

# The rules this definition replaced, frozen here as they were (the gates' names and the dbt previews' keys), so
# that no column they marked is ever shown again.
OLD_PERSONAL_NAME = re.compile(
    r"^(nik|no_kk|kk_number|nama\w*|\w*name\w*|alamat|address|rt|rw|\w*birth_date|tanggal_lahir|tgl_lahir|"
    r"latitude|longitude|value_before|value_after|remarks|keterangan|raw_line)(_[lr])?$"
)
OLD_IDENTIFIER = re.compile(r"(_key|_id|_ids)$|^id_")


def _old_rules_mark(name: str) -> bool:
    return bool(OLD_PERSONAL_NAME.match(name) or OLD_IDENTIFIER.search(name))


def _every_column() -> set[str]:
    """Every raw column of the catalogue and every column of a dbt source, seed or model, with the linkage's pairs."""
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    names = {c.name for source in load_catalog().values() for c in source.columns}
    names |= {name for node in [*manifest["nodes"].values(), *manifest["sources"].values()]
              for name in node.get("columns", {})}
    return names | {f"{name}_{side}" for name in names for side in "lr"}


def test_every_column_the_old_rules_marked_is_still_personal():
    columns = _every_column()
    assert len(columns) > 900  # the manifest was read, not an empty file
    assert sorted(c for c in columns if _old_rules_mark(c) and not is_personal_column(c)) == []


@pytest.mark.parametrize("name", [
    # NIK and KK number, raw and harmonised
    "nik", "no_kk", "kk_number", "nik_birth_date", "nisn",
    # names
    "nama", "nama_pasien", "full_name", "first_name", "last_name", "name_normalised", "name_tokens_sorted",
    # addresses and coordinates
    "alamat", "address", "rt", "rw", "latitude", "longitude",
    # birth dates and phones
    "tanggal_lahir", "tgl_lahir", "birth_date", "phone", "phone_number",
    # free text and corrected values
    "keterangan", "remarks", "value_before", "value_after", "raw_line",
    # keys and record ids, and the linkage's pairs
    "person_key", "household_record_key", "person_id", "id_art", "record_ids",
    "nik_l", "full_name_r", "birth_date_l", "person_key_r",
])
def test_names_a_person_can_be_read_or_rebuilt_from_are_personal(name: str):
    assert is_personal_column(name)


@pytest.mark.parametrize("name", ["village_code", "decile", "program", "sex", "jenis_kelamin", "desil",
                                  "birth_year", "households", "eligible", "kode_desa", "region_code_l"])
def test_codes_counts_and_flags_are_not(name: str):
    assert not is_personal_column(name)


def test_a_source_names_its_personal_columns_in_the_catalogue_only():
    """The sources' own vocabulary is the catalogue's to mark: the pipeline's pattern does not repeat it."""
    raw_names = {"no_kk", "nama", "nama_pasien", "alamat", "tanggal_lahir", "tgl_lahir", "keterangan", "nisn"}
    assert raw_names <= catalogue_names()
    assert not [name for name in raw_names if PIPELINE_NAMES.fullmatch(name)]
