"""EMIS and Dapodik split the pupils as the truth says: madrasah pupils (MI/MTs/MA, a share that differs by regency)
are in EMIS and never in Dapodik, and everyone EMIS lists attends a madrasah."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sepakat_dagster.defs.sources.catalog import Source, load_catalog


def test_madrasah_pupils_are_in_emis_not_dapodik(record_map: pd.DataFrame, persons: pd.DataFrame) -> None:
    listed = record_map.merge(persons[["person_id", "madrasah", "school_type", "alive"]], on="person_id")
    emis = listed[listed["source"] == "emis_siswa"]
    dapodik = listed[listed["source"] == "dapodik_peserta_didik"]
    assert len(emis) > 0 and emis["madrasah"].all() and emis["alive"].all()
    assert set(emis["school_type"]) == {"SD", "SMP", "SMA"}
    assert not dapodik["madrasah"].any()
    madrasah = persons[persons["madrasah"]]
    assert len(emis) >= 0.9 * madrasah["alive"].sum()


def test_the_madrasah_share_varies_by_regency(persons: pd.DataFrame) -> None:
    levels = persons[persons["enrolled"] & persons["school_type"].isin(["SD", "SMP", "SMA"])]
    share = levels.groupby("regency_code")["madrasah"].mean()
    assert 0.08 <= levels["madrasah"].mean() <= 0.18
    assert share.max() - share.min() > 0.05


def test_emis_is_delivered_in_its_own_format(
    default_run: Path,
    read_landing: Callable[[Path, str], pd.DataFrame],
    landing_file: Callable[[Path, Source], Path],
) -> None:
    path = landing_file(default_run, load_catalog()["emis_siswa"])
    assert path.read_text(encoding="utf-8").split("\n", 1)[0].startswith("NISN;NIK;Nama Siswa;L/P;Tgl Lahir;NSM;")
    emis = read_landing(default_run, "emis_siswa")
    assert set(emis["jenjang"]) == {"MI", "MTs", "MA"}
