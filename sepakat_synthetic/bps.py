"""BPS regency tables beside the registries: Susenas poverty (March), Sakernas labour force (August), IPG and IDG.

BPS publishes these as one table per indicator and year, exported as CSV with Indonesian headers and decimal commas.
Each figure is computed from the synthetic population (its true value, written to truth/regency_statistics.parquet)
and delivered with the error a survey of BPS's size would make: Susenas and Sakernas are samples, so a delivered
rate is the true one plus a normal draw with the standard error of the mean of the per-person measure over the
survey's sample (times a design effect); IPG and IDG are modelled indices, delivered with a small modelling noise.
Counts of poor persons are at the regency's real population scale (like SIPD's rupiah), not the sample's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from sepakat_synthetic import config, formats
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.regions import PROVINCES
from sepakat_synthetic.world import World

SUSENAS_YEAR, SAKERNAS_YEAR, GENDER_YEAR = 2025, 2024, 2024
# Sample sizes per regency (Susenas March: about 345,000 households over 514 regencies; Sakernas August: about
# 300,000 persons 15+ per sex nationally over 514 regencies) and their design effects.
SUSENAS_HOUSEHOLDS, SUSENAS_PERSONS_PER_HOUSEHOLD, SUSENAS_DESIGN_EFFECT = 670, 4.2, 2.0
SAKERNAS_PERSONS_PER_SEX, SAKERNAS_DESIGN_EFFECT = 600, 1.5
INDEX_NOISE_SD = 0.5  # IPG and IDG points: what the generator does not model (life expectancy, parliament seats)
# Life expectancy at birth by sex in NTT (BPS, about), for the IPG's health dimension.
_LIFE_EXPECTANCY = {"female": 69.6, "male": 65.9}
# Years of schooling of each Regsosek education level (none, SD, SMP, SMA, diploma, bachelor, postgraduate).
_SCHOOL_YEARS = np.array([2.0, 6.0, 9.0, 12.0, 14.0, 16.0, 18.0])
# Sectors counted as professional, managerial and technical work for the IDG (information, finance, education,
# health, public administration).
_PROFESSIONAL_SECTORS = (14, 15, 16, 17, 18)
_SEXES = ("female", "male")


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("bps")
    stats = regency_statistics(world)
    province = PROVINCES[world.province]
    names = {r.code: r.name if r.is_city else f"Kabupaten {r.name}" for r in province.regencies}
    population_k = {r.code: r.population_k for r in province.regencies}
    code = stats["regency_code"].to_numpy()
    n = len(stats)

    def draw(column: str) -> np.ndarray:
        return np.clip(stats[column].to_numpy() + rng.normal(0.0, 1.0, n) * stats[f"{column}_se"].to_numpy(), 0, None)

    p0, p1, p2 = draw("p0"), draw("p1"), draw("p2")
    poverty = {
        "kode_wilayah": code,
        "kabupaten_kota": np.array([names[c] for c in code], dtype=object),
        "tahun": np.full(n, SUSENAS_YEAR),
        "persentase_penduduk_miskin_p0": formats.decimal_id(p0),
        "indeks_kedalaman_kemiskinan_p1": formats.decimal_id(p1),
        "indeks_keparahan_kemiskinan_p2": formats.decimal_id(p2),
        "garis_kemiskinan_rp_kapita_bulan": formats.decimal_id(stats["poverty_line_idr"].to_numpy(), 0),
        "jumlah_penduduk_miskin_ribu_jiwa": formats.decimal_id(
            p0 / 100 * np.array([population_k[c] for c in code], dtype=float)
        ),
    }
    labour = {"kode_wilayah": code, "kabupaten_kota": poverty["kabupaten_kota"], "tahun": np.full(n, SAKERNAS_YEAR)}
    for measure in ("tpt", "tpak"):
        for sex, label in (("male", "laki_laki"), ("female", "perempuan")):
            labour[f"{measure}_{label}"] = formats.decimal_id(draw(f"{measure}_{sex}"))
    gender = {
        "kode_wilayah": code,
        "kabupaten_kota": poverty["kabupaten_kota"],
        "tahun": np.full(n, GENDER_YEAR),
        "ipg": formats.decimal_id(draw("ipg")),
        "idg": formats.decimal_id(draw("idg")),
    }
    headers = {
        "poverty": ("Kode Wilayah", "Kabupaten/Kota", "Tahun", "Persentase Penduduk Miskin (P0)",
                    "Indeks Kedalaman Kemiskinan (P1)", "Indeks Keparahan Kemiskinan (P2)",
                    "Garis Kemiskinan (Rp/Kapita/Bulan)", "Jumlah Penduduk Miskin (Ribu Jiwa)"),
        "labour": ("Kode Wilayah", "Kabupaten/Kota", "Tahun", "TPT Laki-laki", "TPT Perempuan",
                   "TPAK Laki-laki", "TPAK Perempuan"),
        "gender": ("Kode Wilayah", "Kabupaten/Kota", "Tahun", "IPG", "IDG"),
    }
    return [
        SourceFile("bps_kemiskinan", f"bps/susenas_kemiskinan_kabkota_{SUSENAS_YEAR}.csv", table(poverty),
                   headers=headers["poverty"], delimiter=";"),
        SourceFile("bps_ketenagakerjaan", f"bps/sakernas_agustus_kabkota_{SAKERNAS_YEAR}.csv", table(labour),
                   headers=headers["labour"], delimiter=";"),
        SourceFile("bps_gender", f"bps/ipg_idg_kabkota_{GENDER_YEAR}.csv", table(gender),
                   headers=headers["gender"], delimiter=";"),
    ]


def regency_statistics(world: World) -> pd.DataFrame:
    """Per regency, the true (population) value of every delivered figure and the standard error it is drawn with.

    Persons alive on the reference date. Poverty is per person, against the generator's poverty line: P_a is the
    mean of ((z - y) / z)^a over persons with per-capita consumption y below the line z (Foster-Greer-Thorbecke).
    Labour force: persons 15+; employed = working, unemployed = not working and seeking work; TPT = unemployed /
    labour force, TPAK = labour force / persons 15+, in percent.
    """
    p, h = world.persons, world.households
    alive = p["alive"].to_numpy()
    regency = p["regency_code"].to_numpy()[alive].astype(str)
    consumption = h.set_index("household_id")["consumption_per_capita"].reindex(
        p["household_id"].to_numpy()[alive]).to_numpy()
    line = config.POVERTY_LINE
    gap = np.clip((line - consumption) / line, 0.0, None)
    age = p["age"].to_numpy()[alive]
    female = p["female"].to_numpy()[alive]
    adult = age >= 15
    working = p["working"].to_numpy()[alive]
    in_force = working | p["seeking_work"].to_numpy()[alive]
    education = p["education"].to_numpy()[alive]
    sector = p["sector"].to_numpy()[alive]
    frame = pd.DataFrame({
        "regency_code": regency,
        "female": female,
        "poor0": (gap > 0).astype(float),
        "poor1": gap,
        "poor2": gap**2,
        "adult": adult,
        "in_force": adult & in_force,
        "unemployed": adult & in_force & ~working,
        "working": adult & working,
        "school_years_25": np.where(age >= 25, _SCHOOL_YEARS[np.clip(education, 0, 6)], np.nan),
        "consumption": consumption,
        "professional": adult & working & np.isin(sector, _PROFESSIONAL_SECTORS),
    })
    rows = []
    rng = world.streams.rng("bps.parliament")
    for code, group in frame.groupby("regency_code", sort=True):
        row = {"regency_code": code, "persons": len(group), "poverty_line_idr": line}
        n = SUSENAS_HOUSEHOLDS * SUSENAS_PERSONS_PER_HOUSEHOLD / SUSENAS_DESIGN_EFFECT
        for a in range(3):
            values = group[f"poor{a}"].to_numpy()
            row[f"p{a}"] = 100 * values.mean()
            row[f"p{a}_se"] = 100 * np.sqrt(values.var() / n)
        for sex, is_female in (("female", True), ("male", False)):
            people = group[group["female"] == is_female]
            adults = people[people["adult"]]
            force = adults[adults["in_force"]]
            tpak = adults["in_force"].mean() if len(adults) else 0.0
            tpt = force["unemployed"].mean() if len(force) else 0.0
            sample = SAKERNAS_PERSONS_PER_SEX / SAKERNAS_DESIGN_EFFECT
            row[f"tpak_{sex}"], row[f"tpak_{sex}_se"] = 100 * tpak, 100 * np.sqrt(tpak * (1 - tpak) / sample)
            row[f"tpt_{sex}"], row[f"tpt_{sex}_se"] = 100 * tpt, 100 * np.sqrt(tpt * (1 - tpt) / (sample * tpak or 1))
        row["ipg"], row["idg"] = _gender_indices(group, rng.uniform(0.08, 0.30))
        row["ipg_se"] = row["idg_se"] = INDEX_NOISE_SD
        rows.append(row)
    return pd.DataFrame(rows)


def _gender_indices(group: pd.DataFrame, women_in_parliament: float) -> tuple[float, float]:
    """IPG = women's HDI / men's HDI x 100; IDG = mean of the women's shares' equally distributed indices x 100.

    HDI per sex (BPS method, simplified): the geometric mean of a health index (life expectancy, 20-85 years), an
    education index (mean years of schooling at 25+, over 15 years) and an income index (log per-capita consumption
    scaled by the sex's share of the employed against its share of adults, 1 to 30 million rupiah a year). IDG
    (UNDP gender empowerment measure): for women's shares of parliament, of professional work and of earned income,
    the equally distributed equivalent percentage 1 / (0.5 / women + 0.5 / men), over 50.
    """
    adults = group[group["adult"]]
    working = adults[adults["working"]]
    hdi, earned = {}, {}
    for sex in _SEXES:
        people = group[group["female"] == (sex == "female")]
        adult_share = (adults["female"] == (sex == "female")).mean()
        employed_share = (working["female"] == (sex == "female")).mean() if len(working) else 0.5
        earned[sex] = employed_share
        health = (_LIFE_EXPECTANCY[sex] - 20) / 65
        years = people["school_years_25"].dropna()
        education = min(years.mean() / 15, 1.0) if len(years) else 0.0
        income = 12 * people["consumption"].mean() * max(employed_share / max(adult_share, 1e-9), 0.05)
        income_index = (np.log(income) - np.log(1e6)) / (np.log(30e6) - np.log(1e6))
        hdi[sex] = (health * max(education, 0.01) * max(income_index, 0.01)) ** (1 / 3)
    ipg = 100 * hdi["female"] / hdi["male"]
    professional = working[working["professional"]]
    women_professional = (professional["female"]).mean() if len(professional) else 0.5
    shares = (women_in_parliament, women_professional, earned["female"])
    idg = 100 * np.mean([1 / (0.5 / max(w, 0.01) + 0.5 / max(1 - w, 0.01)) / 0.5 for w in shares])
    return float(ipg), float(idg)


def regency_statistics_truth(world: World) -> pa.Table:
    """truth/regency_statistics.parquet: the true figures and the standard errors the delivered ones were drawn with."""
    return pa.Table.from_pandas(regency_statistics(world), preserve_index=False)
