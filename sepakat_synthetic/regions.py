"""Region reference for the synthetic provinces: all 38 provinces with real province and regency codes.

Provinces 53 (NTT) and 75 (Gorontalo) are hand-tuned and keep their invented districts, so their generated files
never change. Every other province is generated from the committed national reference (`ref_national_regions`,
rows of the current decree): its real regencies and districts with their codes and names, and synthetic villages
nested in those districts (`1xxx` kelurahan, `2xxx` desa), with BPS codes as for NTT. Their regencies' centroids,
populations and poverty rates are derived deterministically from the province profile (`province_profiles.py`).

The builder is deterministic and independent of the run seed, so the committed dbt seeds, the generator and
the loader's "known region" check all agree. Regency centroids, populations and poverty rates are rough public
figures (good enough to make the geography and the welfare gradient look real, not for analysis).

Run `python -m sepakat_synthetic.regions` to rewrite the two seed files and the national reference
(`sepakat_synthetic.national_reference`), so one command refreshes every region seed.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sepakat_dagster.paths import SEEDS_DIR
from sepakat_synthetic.name_styles import NAME_STYLES
from sepakat_synthetic.national_reference import NATIONAL_SEED_FILE, national_seed_text
from sepakat_synthetic.province_profiles import PROFILES

REGIONS_SEED_FILE = "ref_regions.csv"
CROSSWALK_SEED_FILE = "ref_region_crosswalk_bps.csv"
REGION_COLUMNS = [
    "region_code",
    "level",
    "name",
    "parent_code",
    "province_code",
    "regency_code",
    "district_code",
    "village_type",
    "latitude",
    "longitude",
]
CROSSWALK_COLUMNS = ["level", "kemendagri_code", "bps_code"]
_LEVEL_ORDER = {"province": 0, "regency": 1, "district": 2, "village": 3}
# Fixed so the seeds never change with the generator's run seed.
_REGION_ENTROPY = 530_075
# Villages per real district of a generated province (inclusive range). Real districts hold about 11 villages;
# fewer keep the committed seeds small (36 provinces, about 6,900 districts: some 24,000 villages; dbt seeds the
# two region files in about a second) while every district still has kelurahan or desa to live in.
GENERATED_VILLAGES_PER_DISTRICT = (2, 5)


@dataclass(frozen=True)
class Regency:
    code: str
    name: str
    latitude: float
    longitude: float
    spread: float  # degrees: how far district centroids stray from the regency centroid
    population_k: int  # thousands, rough
    poverty_pct: float  # share below the national poverty line, rough
    # name culture (religion, marga pool) → weight; drives personal names
    cultures: tuple[tuple[str, str, float], ...]
    style: str  # syllable style for district and village names

    @property
    def is_city(self) -> bool:
        return self.code[2] == "7"


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    latitude: float
    longitude: float
    regencies: tuple[Regency, ...]


_P, _C, _M = "protestant", "catholic", "muslim"

# fmt: off
NTT = Province("53", "Nusa Tenggara Timur", -8.66, 121.08, (
    Regency("5301", "Kupang", -9.95, 123.85, 0.30, 370, 21.0,
            ((_P, "timor", 0.60), (_P, "rote_sabu", 0.22), (_C, "timor", 0.08), (_M, "muslim_ntt", 0.06),
             (_C, "flores_east", 0.04)), "timor"),
    Regency("5302", "Timor Tengah Selatan", -9.86, 124.28, 0.22, 480, 26.0,
            ((_P, "timor", 0.82), (_C, "timor", 0.16), (_M, "muslim_ntt", 0.02)), "timor"),
    Regency("5303", "Timor Tengah Utara", -9.45, 124.48, 0.20, 270, 21.5,
            ((_C, "timor", 0.88), (_P, "timor", 0.09), (_M, "muslim_ntt", 0.03)), "timor"),
    Regency("5304", "Belu", -9.10, 124.88, 0.12, 220, 14.5,
            ((_C, "timor", 0.90), (_P, "timor", 0.04),
             (_M, "muslim_ntt", 0.04), (_C, "flores_east", 0.02)), "timor"),
    Regency("5305", "Alor", -8.28, 124.70, 0.22, 220, 20.5,
            ((_P, "alor", 0.70), (_M, "muslim_ntt", 0.25), (_C, "alor", 0.05)), "alor"),
    Regency("5306", "Flores Timur", -8.33, 123.05, 0.20, 280, 10.5,
            ((_C, "flores_east", 0.72), (_M, "muslim_ntt", 0.28)), "flores_east"),
    Regency("5307", "Sikka", -8.65, 122.30, 0.20, 330, 12.5,
            ((_C, "flores_east", 0.90), (_M, "muslim_ntt", 0.07), (_P, "flores_east", 0.03)), "flores_east"),
    Regency("5308", "Ende", -8.78, 121.75, 0.18, 270, 22.5,
            ((_C, "flores_central", 0.65), (_M, "muslim_ntt", 0.33),
             (_P, "flores_central", 0.02)), "flores_central"),
    Regency("5309", "Ngada", -8.75, 121.00, 0.15, 170, 11.5,
            ((_C, "flores_central", 0.95), (_M, "muslim_ntt", 0.03),
             (_P, "flores_central", 0.02)), "flores_central"),
    Regency("5310", "Manggarai", -8.60, 120.45, 0.15, 330, 20.0,
            ((_C, "manggarai", 0.92), (_M, "muslim_ntt", 0.06), (_P, "manggarai", 0.02)), "manggarai"),
    Regency("5311", "Sumba Timur", -9.85, 120.30, 0.40, 260, 28.0,
            ((_P, "sumba", 0.80), (_C, "sumba", 0.12), (_M, "muslim_ntt", 0.08)), "sumba"),
    Regency("5312", "Sumba Barat", -9.62, 119.42, 0.10, 150, 27.5,
            ((_P, "sumba", 0.55), (_C, "sumba", 0.40), (_M, "muslim_ntt", 0.05)), "sumba"),
    Regency("5313", "Lembata", -8.40, 123.55, 0.15, 140, 25.0,
            ((_C, "flores_east", 0.75), (_M, "muslim_ntt", 0.23), (_P, "flores_east", 0.02)), "flores_east"),
    Regency("5314", "Rote Ndao", -10.75, 123.10, 0.18, 150, 27.0,
            ((_P, "rote_sabu", 0.94), (_M, "muslim_ntt", 0.04), (_C, "timor", 0.02)), "rote_sabu"),
    Regency("5315", "Manggarai Barat", -8.62, 119.95, 0.20, 260, 17.0,
            ((_C, "manggarai", 0.75), (_M, "muslim_ntt", 0.23), (_P, "manggarai", 0.02)), "manggarai"),
    Regency("5316", "Nagekeo", -8.65, 121.30, 0.12, 160, 12.0,
            ((_C, "flores_central", 0.90), (_M, "muslim_ntt", 0.09),
             (_P, "flores_central", 0.01)), "flores_central"),
    Regency("5317", "Sumba Tengah", -9.55, 119.65, 0.12, 90, 32.0,
            ((_P, "sumba", 0.65), (_C, "sumba", 0.33), (_M, "muslim_ntt", 0.02)), "sumba"),
    Regency("5318", "Sumba Barat Daya", -9.50, 119.20, 0.12, 330, 28.0,
            ((_C, "sumba", 0.55), (_P, "sumba", 0.40), (_M, "muslim_ntt", 0.05)), "sumba"),
    Regency("5319", "Manggarai Timur", -8.68, 120.72, 0.15, 280, 25.0,
            ((_C, "manggarai", 0.93), (_M, "muslim_ntt", 0.06), (_P, "manggarai", 0.01)), "manggarai"),
    Regency("5320", "Sabu Raijua", -10.55, 121.85, 0.10, 90, 30.0,
            ((_P, "rote_sabu", 0.97), (_C, "rote_sabu", 0.02), (_M, "muslim_ntt", 0.01)), "rote_sabu"),
    Regency("5321", "Malaka", -9.58, 124.90, 0.10, 190, 14.0,
            ((_C, "timor", 0.95), (_P, "timor", 0.03), (_M, "muslim_ntt", 0.02)), "timor"),
    Regency("5371", "Kota Kupang", -10.17, 123.60, 0.03, 440, 8.5,
            ((_P, "timor", 0.28), (_P, "rote_sabu", 0.22), (_C, "flores_east", 0.15), (_C, "timor", 0.10),
             (_M, "muslim_ntt", 0.15), (_C, "flores_central", 0.06), (_P, "sumba", 0.04)), "timor"),
))

_GORONTALO_MIX = ((_M, "gorontalo", 0.97), (_P, "minahasa", 0.03))
GORONTALO = Province("75", "Gorontalo", 0.70, 122.45, (
    Regency("7501", "Gorontalo", 0.68, 122.90, 0.18, 390, 16.5, _GORONTALO_MIX, "gorontalo"),
    Regency("7502", "Boalemo", 0.62, 122.35, 0.15, 150, 17.5, _GORONTALO_MIX, "gorontalo"),
    Regency("7503", "Bone Bolango", 0.50, 123.30, 0.18, 160, 15.5, _GORONTALO_MIX, "gorontalo"),
    Regency("7504", "Pohuwato", 0.65, 121.65, 0.22, 150, 17.5, _GORONTALO_MIX, "gorontalo"),
    Regency("7505", "Gorontalo Utara", 0.88, 122.70, 0.20, 125, 17.0, _GORONTALO_MIX, "gorontalo"),
    Regency("7571", "Kota Gorontalo", 0.54, 123.06, 0.03, 200, 5.0,
            ((_M, "gorontalo", 0.93), (_P, "minahasa", 0.05), (_M, "muslim_ntt", 0.02)), "gorontalo"),
))
# fmt: on

HAND_TUNED: dict[str, Province] = {"53": NTT, "75": GORONTALO}

_DIRECTIONS = ("Barat", "Timur", "Utara", "Selatan", "Tengah")


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(_REGION_ENTROPY, spawn_key=key))


def _invent_name(rng: np.random.Generator, style: str) -> str:
    prefixes, syllables, fused = NAME_STYLES[style]
    word = "".join(rng.choice(syllables, size=int(rng.integers(2, 4))))
    if rng.random() < 0.35:
        prefix = str(rng.choice(prefixes))
        return (prefix + word) if fused else f"{prefix} {word.capitalize()}"
    return word.capitalize()


def _unique_names(rng: np.random.Generator, style: str, count: int, directions: bool) -> list[str]:
    """Distinct names; with `directions` some reuse an earlier base with Barat/Timur/... as real splits do."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        if directions and names and rng.random() < 0.2:
            base = names[int(rng.integers(len(names)))].split(" ")[0]
            name = f"{base} {rng.choice(_DIRECTIONS)}"
        else:
            name = _invent_name(rng, style)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


@functools.cache
def current_decree() -> pd.DataFrame:
    """Rows of the current decree in the committed national reference (the same file dbt seeds)."""
    reference = pd.read_csv(SEEDS_DIR / NATIONAL_SEED_FILE, dtype=str, keep_default_na=False)
    return reference[reference["in_current_decree"] == "True"]


def _generated_province(code: str, decree: pd.DataFrame) -> Province:
    """A province from its profile and its real regencies; each regency's centroid, population and poverty rate
    is drawn around the province's, from a generator keyed by the regency code (stable across runs)."""
    profile = PROFILES[code]
    rows = decree[decree["province_code"] == code]
    name = rows.loc[rows["level"] == "province", "name"].iloc[0]
    regency_rows = rows[rows["level"] == "regency"].sort_values("region_code")
    draws = []
    for regency_code in regency_rows["region_code"]:
        rng = _rng(int(regency_code), 1)
        offset = np.clip(rng.normal(0.0, profile.radius * 0.5, 2), -profile.radius, profile.radius)
        draws.append((offset, rng.lognormal(0.0, 0.45), rng.lognormal(0.0, 0.25)))
    total_weight = sum(weight for _, weight, _ in draws)
    regencies = []
    for (regency_code, regency_name), (offset, weight, poverty_factor) in zip(
        regency_rows[["region_code", "name"]].itertuples(index=False), draws, strict=True
    ):
        is_city = regency_code[2] == "7"
        regencies.append(
            Regency(
                regency_code,
                regency_name.removeprefix("Kabupaten "),
                round(profile.latitude + float(offset[0]), 4),
                round(profile.longitude + float(offset[1]), 4),
                0.03 if is_city else max(round(profile.radius / np.sqrt(len(draws)), 3), 0.05),
                max(int(profile.population_k * weight / total_weight), 20),
                round(float(np.clip(profile.poverty_pct * poverty_factor * (0.55 if is_city else 1.0), 1.5, 45)), 1),
                profile.cultures,
                profile.style,
            )
        )
    return Province(code, name, profile.latitude, profile.longitude, tuple(regencies))


def _build_provinces() -> dict[str, Province]:
    decree = current_decree()
    return {
        code: HAND_TUNED[code] if code in HAND_TUNED else _generated_province(code, decree)
        for code in sorted(PROFILES)
    }


PROVINCES: dict[str, Province] = _build_provinces()


def _regency_head(province: Province, regency: Regency) -> tuple[list[dict], list[dict]]:
    row = dict(
        region_code=regency.code,
        level="regency",
        name=regency.name,
        parent_code=province.code,
        province_code=province.code,
        regency_code=regency.code,
        district_code="",
        village_type="",
        latitude=regency.latitude,
        longitude=regency.longitude,
    )
    return [row], [dict(level="regency", kemendagri_code=regency.code, bps_code=regency.code)]


def _district_rows(
    rng: np.random.Generator,
    province: Province,
    regency: Regency,
    districts: list[tuple[str, str]],
    villages_per_district: tuple[int, int] | None,
) -> tuple[list[dict], list[dict]]:
    """District rows with their villages; `villages_per_district` None draws the hand-tuned provinces' counts.

    The draws happen in one fixed order per district, so NTT's and Gorontalo's rows never change.
    """
    rows: list[dict] = []
    crosswalk: list[dict] = []
    # BPS numbers districts (010, 020, ...) and villages (001, ...) in its own order; a crosswalk is needed.
    bps_district_order = rng.permutation(len(districts))
    for d, (district_code, district_name) in enumerate(districts):
        bps_district = f"{regency.code}{(int(bps_district_order[d]) + 1) * 10:03d}"
        lat = regency.latitude + float(
            np.clip(rng.normal(0, regency.spread * 0.5), -regency.spread, regency.spread)
        )
        lon = regency.longitude + float(
            np.clip(rng.normal(0, regency.spread * 0.5), -regency.spread, regency.spread)
        )
        rows.append(
            dict(
                region_code=district_code,
                level="district",
                name=district_name,
                parent_code=regency.code,
                province_code=province.code,
                regency_code=regency.code,
                district_code=district_code,
                village_type="",
                latitude=lat,
                longitude=lon,
            )
        )
        crosswalk.append(dict(level="district", kemendagri_code=district_code, bps_code=bps_district))
        if villages_per_district is not None:
            n_villages = int(rng.integers(villages_per_district[0], villages_per_district[1] + 1))
        else:
            n_villages = int(rng.integers(6, 13)) if regency.is_city else int(rng.integers(6, 17))
        if regency.is_city:
            n_kelurahan = n_villages
        elif d == 0:  # the regency capital's district holds most kelurahan
            n_kelurahan = min(int(rng.integers(3, 7)), n_villages)
        else:
            n_kelurahan = int(rng.integers(1, 3)) if rng.random() < 0.15 else 0
        village_names = _unique_names(rng, regency.style, n_villages, directions=False)
        bps_village_order = rng.permutation(n_villages)
        jitter = max(regency.spread * 0.12, 0.008)
        for v in range(n_villages):
            is_kelurahan = v < n_kelurahan
            serial = 1001 + v if is_kelurahan else 2001 + v - n_kelurahan
            village_code = f"{district_code}{serial}"
            rows.append(
                dict(
                    region_code=village_code,
                    level="village",
                    name=village_names[v],
                    parent_code=district_code,
                    province_code=province.code,
                    regency_code=regency.code,
                    district_code=district_code,
                    village_type="kelurahan" if is_kelurahan else "desa",
                    latitude=lat + float(rng.normal(0, jitter)),
                    longitude=lon + float(rng.normal(0, jitter)),
                )
            )
            crosswalk.append(
                dict(
                    level="village",
                    kemendagri_code=village_code,
                    bps_code=f"{bps_district}{int(bps_village_order[v]) + 1:03d}",
                )
            )
    return rows, crosswalk


def _regency_rows(province: Province, regency: Regency) -> tuple[list[dict], list[dict]]:
    """A hand-tuned province's regency: invented districts numbered 01-nn."""
    rng = _rng(int(regency.code))
    rows, crosswalk = _regency_head(province, regency)
    if regency.is_city:
        n_districts = int(rng.integers(5, 10))
    else:
        n_districts = int(np.clip(round(regency.population_k / 20) + rng.integers(-3, 4), 8, 24))
    district_names = _unique_names(rng, regency.style, n_districts, directions=not regency.is_city)
    districts = [(f"{regency.code}{d + 1:02d}", district_names[d]) for d in range(n_districts)]
    more_rows, more_crosswalk = _district_rows(rng, province, regency, districts, None)
    return rows + more_rows, crosswalk + more_crosswalk


def _generated_regency_rows(
    province: Province, regency: Regency, decree: pd.DataFrame
) -> tuple[list[dict], list[dict]]:
    """A generated province's regency: its real districts (codes and names) and synthetic villages."""
    rng = _rng(int(regency.code), 2)
    rows, crosswalk = _regency_head(province, regency)
    real = decree[(decree["level"] == "district") & (decree["parent_code"] == regency.code)]
    districts = sorted(real[["region_code", "name"]].itertuples(index=False, name=None))
    more_rows, more_crosswalk = _district_rows(
        rng, province, regency, districts, GENERATED_VILLAGES_PER_DISTRICT
    )
    return rows + more_rows, crosswalk + more_crosswalk


@functools.cache
def build_reference() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(regions, BPS crosswalk) for every supported province, rows ordered by level then code."""
    rows: list[dict] = []
    crosswalk: list[dict] = []
    decree = current_decree()
    for province in PROVINCES.values():
        rows.append(
            dict(
                region_code=province.code,
                level="province",
                name=province.name,
                parent_code="",
                province_code=province.code,
                regency_code="",
                district_code="",
                village_type="",
                latitude=province.latitude,
                longitude=province.longitude,
            )
        )
        crosswalk.append(dict(level="province", kemendagri_code=province.code, bps_code=province.code))
        for regency in province.regencies:
            if province.code in HAND_TUNED:
                regency_rows, regency_crosswalk = _regency_rows(province, regency)
            else:
                regency_rows, regency_crosswalk = _generated_regency_rows(province, regency, decree)
            rows += regency_rows
            crosswalk += regency_crosswalk
    regions = pd.DataFrame(rows, columns=REGION_COLUMNS)
    regions["latitude"] = regions["latitude"].round(5)
    regions["longitude"] = regions["longitude"].round(5)
    regions = regions.sort_values(["level", "region_code"], key=_level_key).reset_index(drop=True)
    crosswalk_df = pd.DataFrame(crosswalk, columns=CROSSWALK_COLUMNS)
    crosswalk_df = crosswalk_df.sort_values(["level", "kemendagri_code"], key=_level_key).reset_index(
        drop=True
    )
    return regions, crosswalk_df


def _level_key(column: pd.Series) -> pd.Series:
    return column.map(_LEVEL_ORDER) if column.name == "level" else column


def seed_texts() -> dict[str, str]:
    """The exact text of every region seed file, so the committed files can be compared byte for byte."""
    regions, crosswalk = build_reference()
    texts = {}
    for name, frame in ((REGIONS_SEED_FILE, regions), (CROSSWALK_SEED_FILE, crosswalk)):
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.5f")
        texts[name] = buffer.getvalue()
    texts[NATIONAL_SEED_FILE] = national_seed_text()
    return texts


def write_seeds(seeds_dir: Path = SEEDS_DIR) -> list[Path]:
    seeds_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in seed_texts().items():
        path = seeds_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


@functools.cache
def villages(province: str) -> pd.DataFrame:
    """One row per village of a province with its parents' names and codes and its BPS code."""
    if province not in PROVINCES:
        raise ValueError(f"unsupported province {province!r}; choose one of {sorted(PROVINCES)}")
    regions, crosswalk = build_reference()
    regions = regions[regions["province_code"] == province]
    names = regions.set_index("region_code")["name"]
    frame = regions[regions["level"] == "village"].reset_index(drop=True)
    bps = crosswalk.set_index("kemendagri_code")["bps_code"]
    regency_index = {r.code: i for i, r in enumerate(PROVINCES[province].regencies)}
    return pd.DataFrame(
        {
            "village_code": frame["region_code"].to_numpy(dtype=object),
            "village_name": frame["name"].to_numpy(dtype=object),
            "village_bps_code": bps.loc[frame["region_code"]].to_numpy(dtype=object),
            "district_code": frame["district_code"].to_numpy(dtype=object),
            "district_name": names.loc[frame["district_code"]].to_numpy(dtype=object),
            "district_bps_code": bps.loc[frame["district_code"]].to_numpy(dtype=object),
            "regency_code": frame["regency_code"].to_numpy(dtype=object),
            "regency_index": frame["regency_code"].map(regency_index).to_numpy(dtype=np.int64),
            "is_kelurahan": (frame["village_type"] == "kelurahan").to_numpy(),
            "latitude": frame["latitude"].to_numpy(dtype=float),
            "longitude": frame["longitude"].to_numpy(dtype=float),
        }
    )


if __name__ == "__main__":
    for written_path in write_seeds():
        print(f"wrote {written_path}")
