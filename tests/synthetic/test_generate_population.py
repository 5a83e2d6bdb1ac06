"""Coverage and content patterns of the registries, determinism, and a Gorontalo run."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sepakat_synthetic import generate

ReadLanding = Callable[[Path, str], pd.DataFrame]


def _households_in(record_map: pd.DataFrame, source: str, households: pd.DataFrame) -> pd.DataFrame:
    ids = record_map.loc[record_map["source"] == source, "household_id"]
    return households[households["household_id"].isin(ids)]


def test_regsosek_covers_nearly_everyone(record_map: pd.DataFrame, households: pd.DataFrame) -> None:
    share = len(_households_in(record_map, "regsosek_keluarga", households)) / len(households)
    assert 0.93 <= share <= 0.99


def test_p3ke_holds_only_the_poor_end_with_deciles_1_to_4(
    default_run: Path, record_map: pd.DataFrame, households: pd.DataFrame, read_landing: ReadLanding
) -> None:
    p3ke = _households_in(record_map, "p3ke_keluarga", households)
    assert (p3ke["decile"] <= 5).mean() > 0.9
    labels = set(read_landing(default_run, "p3ke_keluarga")["desil_kesejahteraan"])
    assert labels == {"Desil 1", "Desil 2", "Desil 3", "Desil 4"}


def test_dtks_is_skewed_to_the_poor_with_inclusion_and_exclusion_errors(
    record_map: pd.DataFrame, households: pd.DataFrame
) -> None:
    dtks = _households_in(record_map, "dtks_ruta", households)
    assert (dtks["decile"] <= 4).mean() > (households["decile"] <= 4).mean() + 0.1
    coverage = households["household_id"].isin(dtks["household_id"]).groupby(households["decile"]).mean()
    assert coverage[1] > 0.7 and coverage[9:].max() < 0.15
    assert (dtks["decile"] >= 7).any(), "some non-poor are included"


def test_program_receipt_follows_dtks_ranking_not_the_truth(
    default_run: Path, record_map: pd.DataFrame, households: pd.DataFrame, read_landing: ReadLanding
) -> None:
    ruta = read_landing(default_run, "dtks_ruta").rename(columns={"id_dtks": "record_id"})
    ruta = ruta.merge(record_map[["record_id", "household_id"]], on="record_id").merge(
        households, on="household_id"
    )
    receiving = ruta[ruta["bpnt"] == "YA"]
    assert (receiving["decile"] <= 4).mean() > 0.7
    assert (receiving["decile"] > 4).any(), "inclusion errors"
    members = read_landing(default_run, "dtks_art").merge(
        record_map.loc[record_map["source"] == "dtks_art", ["record_id", "duplicate"]],
        left_on="id_art",
        right_on="record_id",
    )
    labelled = members[~members["duplicate"]].dropna(subset=["komponen_pkh"])
    assert labelled.groupby("id_dtks").size().max() <= 4, "at most four PKH components per family"
    assert set(labelled["komponen_pkh"]) <= {
        "IBU HAMIL",
        "ANAK USIA DINI",
        "SD",
        "SMP",
        "SMA",
        "DISABILITAS BERAT",
        "LANSIA",
    }


def test_sector_files_refer_to_plausible_people(
    default_run: Path, record_map: pd.DataFrame, persons: pd.DataFrame, read_landing: ReadLanding
) -> None:
    pupils = record_map[record_map["source"] == "dapodik_peserta_didik"].merge(persons, on="person_id")
    assert pupils["age"].between(4, 19).all() and pupils["alive"].all()
    health = read_landing(default_run, "kesehatan_layanan")
    assert set(health["jenis_layanan"]) >= {
        "ANC",
        "KN",
        "BALITA",
        "SKRINING_PRODUKTIF",
        "SKRINING_LANSIA",
        "HIPERTENSI",
        "DM",
    }
    musdes = read_landing(default_run, "musdes_usulan")
    assert set(musdes["jenis_usulan"]) == {
        "MENINGGAL",
        "PINDAH",
        "KELUAR_MAMPU",
        "MASUK_BARU",
        "PERBAIKAN_DATA",
    }
    inarisk = read_landing(default_run, "inarisk_bahaya")
    index = inarisk["indeks_bahaya"].astype(float)
    expected = pd.cut(index, [-0.1, 1 / 3, 2 / 3, 1.1], labels=["RENDAH", "SEDANG", "TINGGI"], right=False)
    assert (inarisk["kelas_bahaya"] == expected.astype(str)).all()


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_inputs_give_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", persons=3_000, seed=5)
    generate(tmp_path / "b", persons=3_000, seed=5)
    generate(tmp_path / "c", persons=3_000, seed=6)
    a, b, c = (_digests(tmp_path / name) for name in "abc")
    assert a == b
    assert set(a) == set(c) and all(a[name] != c[name] for name in a)
    assert first.persons == 3_000 and first.households > 500
    assert set(first.files) == set(a)


def test_gorontalo_uses_its_own_regions_and_mostly_muslim_names(
    tmp_path: Path, read_landing: ReadLanding
) -> None:
    summary = generate(tmp_path, persons=3_000, seed=1, province="75")
    assert summary.persons == 3_000
    people = pd.read_parquet(tmp_path / "truth" / "persons.parquet")
    assert people["village_code"].str.startswith("75").all()
    assert (people["religion"] == "muslim").mean() > 0.9
    regsosek = read_landing(tmp_path, "regsosek_keluarga")
    assert regsosek["kode_wilayah_bps"].str.startswith("75").all()


def test_rejects_unknown_provinces(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="province"):
        generate(tmp_path, persons=10, province="99")
