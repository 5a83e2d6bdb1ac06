"""NIK and KK numbers in the ground truth are structurally valid and agree with the person they belong to."""

from __future__ import annotations

import pandas as pd

from sepakat_synthetic import regions


def test_nik_structure_matches_sex_birth_date_and_a_real_district(persons: pd.DataFrame) -> None:
    nik = persons["nik"]
    assert nik.str.fullmatch(r"\d{16}").all()
    assert nik.is_unique
    assert (nik.str[12:] != "0000").all()
    frame, _ = regions.build_reference()
    districts = set(frame.loc[frame["level"] == "district", "region_code"])
    assert nik.str[:6].isin(districts).all()
    assert (nik.str[:6] == persons["nik_district_code"]).all()
    assert (nik.str[:6] == persons["district_code"]).mean() > 0.8, "usually registered where the family lives"
    birth = pd.to_datetime(persons["birth_date"])
    day = nik.str[6:8].astype(int)
    expected_day = birth.dt.day + (persons["sex"] == "female").astype(int) * 40
    assert (day == expected_day).all()
    assert (nik.str[8:10].astype(int) == birth.dt.month).all()
    assert (nik.str[10:12].astype(int) == birth.dt.year % 100).all()


def test_kk_numbers_are_unique_per_household_and_well_formed(
    households: pd.DataFrame, persons: pd.DataFrame
) -> None:
    kk = households["kk"]
    assert kk.str.fullmatch(r"\d{16}").all() and kk.is_unique
    frame, _ = regions.build_reference()
    assert kk.str[:6].isin(set(frame.loc[frame["level"] == "district", "region_code"])).all()
    entry = pd.to_datetime(households["kk_issue_date"])
    assert (kk.str[6:8].astype(int) == entry.dt.day).all()
    assert (kk.str[8:10].astype(int) == entry.dt.month).all()
    assert (kk.str[12:].astype(int) >= 1).all()
    merged = persons.merge(households[["household_id", "kk"]], on="household_id", suffixes=("", "_household"))
    assert (merged["kk"] == merged["kk_household"]).all()
