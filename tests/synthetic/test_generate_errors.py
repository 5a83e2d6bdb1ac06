"""Injected errors: flagged at the configured rates, and the flags tell the truth about the values."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sepakat_synthetic import ErrorRates, name_noise

RATES = ErrorRates()
NIK_FLAGS = ["nik_missing", "nik_digit_error", "nik_transposition"]
NAME_FLAGS = ["name_typo", "name_spelling_variant", "name_title", "name_reordered"]
BROKEN = ["broken_excel_number", "broken_date", "broken_region"]
PERSON_FILES = {  # source: (key, nik, name, birth date column and format, sex column and female label)
    "regsosek_individu": ("id_art", "nik", "nama", ("tanggal_lahir", "%Y-%m-%d"), ("jenis_kelamin", "2")),
    "dtks_art": ("id_art", "nik", "nama", ("tanggal_lahir", "%d-%m-%Y"), ("jenis_kelamin", "PEREMPUAN")),
    "p3ke_individu": (
        "id_individu",
        "nik",
        "nama",
        ("tanggal_lahir", "%d/%m/%Y"),
        ("jenis_kelamin", "Perempuan"),
    ),
}

ReadLanding = Callable[[Path, str], pd.DataFrame]


def _within(observed: float, expected: float, n: int) -> bool:
    return abs(observed - expected) <= 4 * np.sqrt(expected * (1 - expected) / n) + 0.002


@pytest.mark.parametrize(
    "source", ["regsosek_individu", "dtks_art", "p3ke_individu", "dapodik_peserta_didik"]
)
def test_person_error_rates_match_the_configuration(record_map: pd.DataFrame, source: str) -> None:
    records = record_map[record_map["source"] == source]
    expected = {
        "nik_missing": RATES.nik_missing_p3ke if source == "p3ke_individu" else RATES.nik_missing,
        "nik_digit_error": RATES.nik_digit,
        "nik_transposition": RATES.nik_transposition,
        "name_typo": RATES.name_typo,
        "name_spelling_variant": RATES.name_spelling,
        "name_reordered": RATES.name_reorder,
        "birth_date_swap": RATES.date_swap,
        "wrong_sex": RATES.wrong_sex,
    }
    if source != "dapodik_peserta_didik":  # pupils are too young for degrees
        expected["name_title"] = RATES.name_title
    for flag, rate in expected.items():
        assert _within(records[flag].mean(), rate, len(records)), (source, flag, records[flag].mean(), rate)
    assert records[BROKEN].any(axis=1).sum() <= 5 * RATES.broken_row * len(records) + 5


@pytest.mark.parametrize("source", ["regsosek_keluarga", "dtks_ruta", "p3ke_keluarga"])
def test_household_errors_match_the_configuration(record_map: pd.DataFrame, source: str) -> None:
    records = record_map[record_map["source"] == source]
    assert _within(records["outdated_village"].mean(), RATES.outdated_village, len(records))


def test_dtks_duplicates_repeat_a_person_under_another_member_id(record_map: pd.DataFrame) -> None:
    records = record_map[record_map["source"] == "dtks_art"]
    assert _within(records["duplicate"].mean(), RATES.duplicate, len(records))
    duplicated = records.loc[records["duplicate"], "person_id"]
    originals = records.loc[~records["duplicate"], "person_id"]
    assert duplicated.isin(originals).all()


@pytest.mark.parametrize("source", list(PERSON_FILES))
def test_flags_say_exactly_which_values_differ_from_the_truth(
    default_run: Path, record_map: pd.DataFrame, persons: pd.DataFrame, read_landing: ReadLanding, source: str
) -> None:
    key, nik, name, (birth, date_format), (sex, female_label) = PERSON_FILES[source]
    landed = read_landing(default_run, source).rename(columns={key: "record_id"})
    records = (
        record_map[record_map["source"] == source]
        .merge(landed, on="record_id")
        .merge(persons, on="person_id", suffixes=("", "_true"))
    )
    clean = ~records[BROKEN].any(axis=1)
    nik_hit = records[["nik_digit_error", "nik_transposition"]].any(axis=1)
    assert (records.loc[nik_hit & clean, nik] != records.loc[nik_hit & clean, "nik_true"]).all()
    assert records.loc[records["nik_missing"], nik].isna().all()
    untouched = clean & ~records[NIK_FLAGS].any(axis=1)
    assert (records.loc[untouched, nik] == records.loc[untouched, "nik_true"]).all()

    true_name = records["name"].str.upper() if name != "name" else records["name_true"].str.upper()
    written = records[name].str.upper()
    no_name_error = ~records[NAME_FLAGS].any(axis=1)
    assert (written[no_name_error] == true_name[no_name_error]).all()
    assert (written[records["name_typo"]] != true_name[records["name_typo"]]).mean() > 0.98

    born = pd.to_datetime(records[birth], format=date_format, errors="coerce")
    true_born = pd.to_datetime(records["birth_date"])
    swapped = records["birth_date_swap"] & clean
    assert (born[swapped] != true_born[swapped]).all()
    assert (born[swapped].dt.day == true_born[swapped].dt.month).all()
    kept = clean & ~records["birth_date_swap"]
    assert (born[kept] == true_born[kept]).all()

    is_female = records[sex] == female_label
    truly_female = records["sex"] == "female"
    assert ((is_female != truly_female) == records["wrong_sex"]).all()


def test_stale_dtks_records_list_the_dead_and_movers_at_their_old_village(
    default_run: Path,
    record_map: pd.DataFrame,
    persons: pd.DataFrame,
    households: pd.DataFrame,
    read_landing: ReadLanding,
) -> None:
    members = record_map[record_map["source"] == "dtks_art"].merge(
        persons[["person_id", "alive"]], on="person_id"
    )
    assert members["stale_deceased"].sum() > 0
    assert (~members.loc[members["stale_deceased"], "alive"]).all()
    ruta = read_landing(default_run, "dtks_ruta").rename(columns={"id_dtks": "record_id"})
    stale = (
        record_map[
            (record_map["source"] == "dtks_ruta")
            & record_map["stale_moved"]
            & ~record_map["outdated_village"]
            & ~record_map["broken_region"]
        ]
        .merge(ruta, on="record_id")
        .merge(households, on="household_id")
    )
    assert len(stale) > 0
    assert (stale["kode_desa"] == stale["previous_village_code"]).all()


def test_a_typo_in_a_name_cut_to_one_letter_still_makes_a_slip() -> None:
    """A reordering can cut a Balinese "I Made" to "I" before its typo is applied."""
    rnd = random.Random(0)
    assert name_noise.typo("I", rnd) == "II"
    assert name_noise.typo("Made", rnd) != "Made"
