"""BPS's regency tables (sepakat_synthetic/bps.py): their truth is what the generated population says, recomputed
here from truth/persons and truth/households, and the delivered figures are BPS's, scaled and formatted as BPS
exports them."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sepakat_synthetic import config
from sepakat_synthetic.regions import PROVINCES


@pytest.fixture(scope="module")
def statistics(default_run: Path) -> pd.DataFrame:
    return pd.read_parquet(default_run / "truth" / "regency_statistics.parquet").set_index("regency_code")


def _delivered(default_run: Path, pattern: str) -> dict[str, dict[str, str]]:
    path = next((default_run / "landing" / "bps").glob(pattern))
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["Kode Wilayah"]: row for row in csv.DictReader(handle, delimiter=";")}


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def test_true_poverty_is_foster_greer_thorbecke_of_living_persons(
    statistics: pd.DataFrame, persons: pd.DataFrame, default_run: Path
):
    households = pd.read_parquet(default_run / "truth" / "households.parquet")
    living = persons[persons["alive"]].merge(households[["household_id", "consumption_per_capita"]], on="household_id")
    gap = np.clip(1 - living["consumption_per_capita"] / config.POVERTY_LINE, 0, None)
    for a in range(3):
        expected = (100 * (gap > 0).astype(float) if a == 0 else 100 * gap**a).groupby(living["regency_code"]).mean()
        assert statistics[f"p{a}"].to_numpy() == pytest.approx(expected.sort_index().to_numpy(), abs=1e-9)
    assert (statistics["p0"] >= 0).all() and (statistics["p1"] <= statistics["p0"]).all()
    assert (statistics["p2"] <= statistics["p1"]).all()


def test_true_labour_force_rates_come_from_working_and_seeking_work(statistics: pd.DataFrame, persons: pd.DataFrame):
    # Seeking work is a state of the non-working 15+ only; status in employment is the working's only.
    assert not (persons["seeking_work"] & (persons["working"] | (persons["age"] < 15))).any()
    assert persons["employment_status"].notna().eq(persons["working"]).all()
    adults = persons[persons["alive"] & (persons["age"] >= 15)]
    force = adults["working"] | adults["seeking_work"]
    for sex in ("female", "male"):
        group = adults["sex"] == sex
        tpak = 100 * force[group].groupby(adults.loc[group, "regency_code"]).mean()
        tpt = 100 * adults.loc[group & force, "seeking_work"].groupby(adults.loc[group & force, "regency_code"]).mean()
        assert statistics[f"tpak_{sex}"].to_numpy() == pytest.approx(tpak.sort_index().to_numpy(), abs=1e-9)
        assert statistics[f"tpt_{sex}"].to_numpy() == pytest.approx(tpt.sort_index().to_numpy(), abs=1e-9)


def test_delivered_tables_are_bps_exports_at_real_population_scale(statistics: pd.DataFrame, default_run: Path):
    poverty = _delivered(default_run, "susenas_kemiskinan_kabkota_*.csv")
    population_k = {r.code: r.population_k for r in PROVINCES["53"].regencies}
    assert set(poverty) == set(statistics.index) == set(population_k)
    for code, row in poverty.items():
        p0 = _number(row["Persentase Penduduk Miskin (P0)"])
        # Number of poor (thousands) is P0 of the regency's real population, not of the synthetic sample (both
        # rounded to two decimals as delivered: P0's rounding moves it by up to 0.005 % of the population).
        rounding = 0.005 / 100 * population_k[code] + 0.005
        assert _number(row["Jumlah Penduduk Miskin (Ribu Jiwa)"]) == pytest.approx(p0 / 100 * population_k[code],
                                                                                 abs=rounding)
        assert _number(row["Garis Kemiskinan (Rp/Kapita/Bulan)"]) == config.POVERTY_LINE
        assert "," in row["Persentase Penduduk Miskin (P0)"]  # decimal comma
    # Surveys are samples: most delivered figures differ from the truth, by no more than their drawn error allows.
    labour = _delivered(default_run, "sakernas_agustus_kabkota_*.csv")
    delivered = np.array([_number(labour[code]["TPAK Perempuan"]) for code in statistics.index])
    error = np.abs(delivered - statistics["tpak_female"].to_numpy())
    assert (error <= 4.5 * statistics["tpak_female_se"].to_numpy() + 0.005).all()
    assert (error > 0.005).mean() > 0.5
