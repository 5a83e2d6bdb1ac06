"""A national sample: its layout, movers linked across provinces by the truth, namesakes, determinism."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sepakat_dagster.paths import SEEDS_DIR
from sepakat_synthetic import generate, generate_national
from sepakat_synthetic.national_reference import NATIONAL_SEED_FILE

SAMPLE = ["53", "75", "31"]
PERSONS = 4_000
ReadLanding = Callable[[Path, str], pd.DataFrame]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("national")
    generate_national(folder, SAMPLE, PERSONS, seed=42)
    return folder


@pytest.fixture(scope="module")
def movers(sample: Path) -> pd.DataFrame:
    return pd.read_parquet(sample / "national_truth" / "movers.parquet")


def _truth(sample: Path, name: str) -> pd.DataFrame:
    """One truth table of every province of the sample, with its province."""
    return pd.concat(
        [pd.read_parquet(sample / code / "truth" / f"{name}.parquet").assign(province=code) for code in SAMPLE],
        ignore_index=True,
    )


def _decree_districts() -> pd.DataFrame:
    reference = pd.read_csv(SEEDS_DIR / NATIONAL_SEED_FILE, dtype=str, keep_default_na=False)
    return reference[(reference["level"] == "district") & (reference["in_current_decree"] == "True")]


def test_layout_is_one_generate_folder_per_province_and_the_national_truth(sample: Path) -> None:
    assert sorted(p.name for p in sample.iterdir()) == sorted([*SAMPLE, "national_truth"])
    for code in SAMPLE:
        assert (sample / code / "landing" / "dtks").is_dir()
        for name in ("persons", "households", "record_map"):
            assert (sample / code / "truth" / f"{name}.parquet").exists()
    persons = pd.read_parquet(sample / "31" / "truth" / "persons.parquet")
    assert (persons["national_person_id"] == "31-" + persons["person_id"].astype(str)).all()
    assert sorted(p.name for p in (sample / "national_truth").iterdir()) == ["movers.parquet", "namesakes.parquet"]


def test_every_mover_nik_is_a_real_district_of_its_origin_and_a_real_birth_date(
    sample: Path, movers: pd.DataFrame
) -> None:
    assert len(movers) > 100 and set(movers["residence_province"]) == set(SAMPLE)
    assert (movers["residence_province"] != movers["origin_province"]).all()
    districts = _decree_districts()
    origin_of = dict(zip(districts["region_code"], districts["province_code"], strict=True))
    assert (movers["nik"].str[:6].map(origin_of) == movers["origin_province"]).all()
    persons = _truth(sample, "persons").set_index("national_person_id")
    mover = persons.loc[movers["national_person_id"]]
    assert (mover["nik"].to_numpy() == movers["nik"].to_numpy()).all()
    day = movers["nik"].str[6:8].astype(int).to_numpy() - 40 * (mover["sex"] == "female").to_numpy()
    birth = pd.to_datetime(mover["birth_date"])
    assert (day == birth.dt.day.to_numpy()).all()
    assert (movers["nik"].str[8:10].astype(int).to_numpy() == birth.dt.month.to_numpy()).all()
    assert (movers["nik"].str[10:12].astype(int).to_numpy() == birth.dt.year.to_numpy() % 100).all()
    assert (movers["nik"].str[12:] != "0000").all()


def test_the_origin_dtks_still_holds_each_mover_and_the_residence_regsosek_lists_them(
    sample: Path, movers: pd.DataFrame, read_landing: ReadLanding
) -> None:
    record_map = _truth(sample, "record_map")
    stale = record_map[(record_map["source"] == "dtks_art") & record_map["stale_moved"]]
    stale = stale.merge(movers, on="national_person_id")
    assert (stale["province"] == stale["origin_province"]).all()
    assert set(movers["national_person_id"]) == set(stale["national_person_id"])
    for code in SAMPLE:  # the stale rows are rows of the origin's landing file, under the same record ids
        dtks = read_landing(sample / code, "dtks_art")
        ids = stale.loc[stale["origin_province"] == code, "record_id"]
        assert ids.isin(dtks["id_art"]).all()
        own = record_map[(record_map["province"] == code) & (record_map["source"] == "dtks_art")]
        assert len(own) == len(dtks)
    person_flags = ["nik_missing", "nik_digit_error", "nik_transposition"]
    assert stale[person_flags].any(axis=1).any(), "some stale NIKs must be corrupted"
    regsosek = record_map[record_map["source"] == "regsosek_individu"].merge(movers, on="national_person_id")
    assert (regsosek["province"] == regsosek["residence_province"]).all()
    assert regsosek["national_person_id"].nunique() > 0.9 * len(movers)


def test_no_nik_is_held_by_two_people_of_the_sample(sample: Path) -> None:
    persons = _truth(sample, "persons")
    assert persons["nik"].is_unique


def test_namesakes_are_different_people_of_different_provinces_with_one_name_and_birth_date(sample: Path) -> None:
    pairs = pd.read_parquet(sample / "national_truth" / "namesakes.parquet")
    assert len(pairs) >= 6
    persons = _truth(sample, "persons").set_index("national_person_id")
    a, b = persons.loc[pairs["national_person_id_a"]], persons.loc[pairs["national_person_id_b"]]
    assert (a["province"].to_numpy() != b["province"].to_numpy()).all()
    assert (a["name"].to_numpy() == b["name"].to_numpy()).all()
    assert (a["birth_date"].to_numpy() == b["birth_date"].to_numpy()).all()
    assert (a["nik"].to_numpy() != b["nik"].to_numpy()).all()


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_inputs_give_identical_bytes(tmp_path: Path) -> None:
    generate_national(tmp_path / "a", ["75", "94"], 1_500, seed=3)
    generate_national(tmp_path / "b", ["75", "94"], 1_500, seed=3)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


@pytest.mark.parametrize("province", ["31", "94", "11"])
def test_any_province_lives_in_its_real_districts(tmp_path: Path, province: str) -> None:
    generate(tmp_path, persons=1_500, seed=7, province=province)
    districts = set(_decree_districts().query("province_code == @province")["region_code"])
    persons = pd.read_parquet(tmp_path / "truth" / "persons.parquet")
    assert persons["village_code"].str[:6].isin(districts).all()
    assert persons["nik"].str[:6].isin(districts).all()
    assert persons["village_code"].str[6].isin(["1", "2"]).all()
    assert persons["regency_code"].nunique() > 1


def test_a_one_province_generate_carries_national_ids_too(tmp_path: Path) -> None:
    generate(tmp_path, persons=500, seed=1, province="75")
    persons = pd.read_parquet(tmp_path / "truth" / "persons.parquet")
    assert (persons["national_person_id"] == "75-" + persons["person_id"].astype(str)).all()
    record_map = pd.read_parquet(tmp_path / "truth" / "record_map.parquet")
    with_person = record_map["person_id"].notna()
    assert (record_map.loc[with_person, "national_person_id"]
            == "75-" + record_map.loc[with_person, "person_id"].astype("int64").astype(str)).all()
    assert record_map.loc[~with_person, "national_person_id"].isna().all()
    assert record_map["national_household_id"].str.startswith("75-").all()


def test_the_generate_command_writes_a_national_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sepakat_dagster.cli import main

    assert main(["generate", "--provinces", "75,94", "--persons", "400", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["75", "94", "national_truth"]
    assert "Generated 2 provinces" in capsys.readouterr().out
    assert main(["generate", "--province", "99", "--persons", "10", "--out", str(tmp_path / "x")]) == 2
