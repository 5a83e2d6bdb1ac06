"""Rough profiles of all 38 provinces: the one table the generator derives a generated province from.

The figures are rough public ones (BPS population projections for 2024 and Susenas poverty rates of 2024/2025,
rounded; centroids and extents read off a map; name cultures as the province's main ethnic and religious groups).
They make a generated province look plausible and give the national sample its population weights; they are not
for analysis. Provinces 53 and 75 keep their hand-tuned regencies (`regions.NTT`, `regions.GORONTALO`); their
profile here serves only the national sample (population weights and centroids for movers).

A culture is (religion, marga pool, weight): the religion draws given names (`names.RELIGIONS`), the pool the clan
or family names (`names.MARGA_POOLS`). `style` names the syllable style of invented village names
(`name_styles.NAME_STYLES`); `radius` is the province's rough half-extent in degrees, how far regency centroids
stray from the province centroid.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProvinceProfile:
    code: str
    latitude: float
    longitude: float
    radius: float  # degrees
    population_k: int  # thousands
    poverty_pct: float  # share below the national poverty line
    cultures: tuple[tuple[str, str, float], ...]
    style: str


_P, _C, _M, _H = "protestant", "catholic", "muslim", "hindu"

# fmt: off
PROFILES: dict[str, ProvinceProfile] = {p.code: p for p in (
    ProvinceProfile("11", 4.40, 96.90, 1.6, 5_550, 12.6, ((_M, "malay", 0.97), (_P, "batak", 0.03)), "malay"),
    ProvinceProfile("12", 2.30, 99.10, 1.8, 15_590, 7.2,
                    ((_P, "batak", 0.35), (_M, "batak", 0.20), (_M, "malay", 0.25), (_M, "java", 0.15),
                     (_C, "batak", 0.05)), "batak"),
    ProvinceProfile("13", -0.75, 100.60, 1.2, 5_840, 5.4, ((_M, "minang", 0.97), (_P, "batak", 0.03)), "minang"),
    ProvinceProfile("14", 0.50, 101.80, 1.5, 6_730, 6.4,
                    ((_M, "malay", 0.55), (_M, "java", 0.20), (_P, "batak", 0.12), (_M, "minang", 0.13)), "malay"),
    ProvinceProfile("15", -1.60, 103.10, 1.2, 3_680, 7.3,
                    ((_M, "malay", 0.68), (_M, "java", 0.27), (_P, "batak", 0.05)), "malay"),
    ProvinceProfile("16", -3.30, 104.20, 1.6, 8_840, 10.5, ((_M, "malay", 0.75), (_M, "java", 0.25)), "malay"),
    ProvinceProfile("17", -3.60, 102.30, 1.0, 2_100, 13.6,
                    ((_M, "malay", 0.72), (_M, "java", 0.23), (_M, "minang", 0.05)), "malay"),
    ProvinceProfile("18", -4.90, 105.00, 1.2, 9_310, 10.6,
                    ((_M, "java", 0.60), (_M, "malay", 0.24), (_M, "sunda", 0.11), (_H, "bali", 0.05)), "java"),
    ProvinceProfile("19", -2.70, 106.40, 1.2, 1_530, 4.5, ((_M, "malay", 0.90), (_P, "batak", 0.10)), "malay"),
    ProvinceProfile("21", 1.00, 104.50, 2.0, 2_180, 4.6,
                    ((_M, "malay", 0.60), (_M, "java", 0.15), (_P, "batak", 0.15), (_M, "minang", 0.10)), "malay"),
    ProvinceProfile("31", -6.20, 106.85, 0.15, 10_680, 4.3,
                    ((_M, "java", 0.35), (_M, "sunda", 0.25), (_M, "malay", 0.15), (_P, "batak", 0.10),
                     (_M, "minang", 0.06), (_P, "minahasa", 0.05), (_C, "java", 0.04)), "sunda"),
    ProvinceProfile("32", -6.90, 107.60, 1.2, 50_350, 7.5,
                    ((_M, "sunda", 0.90), (_M, "java", 0.08), (_P, "batak", 0.02)), "sunda"),
    ProvinceProfile("33", -7.20, 110.20, 1.2, 37_890, 9.6,
                    ((_M, "java", 0.97), (_C, "java", 0.02), (_P, "java", 0.01)), "java"),
    ProvinceProfile("34", -7.80, 110.40, 0.3, 3_760, 10.4,
                    ((_M, "java", 0.92), (_C, "java", 0.06), (_P, "java", 0.02)), "java"),
    ProvinceProfile("35", -7.50, 112.50, 2.0, 41_810, 9.5, ((_M, "java", 0.97), (_P, "java", 0.03)), "java"),
    ProvinceProfile("36", -6.40, 106.10, 0.6, 12_430, 5.7,
                    ((_M, "sunda", 0.70), (_M, "java", 0.25), (_P, "batak", 0.05)), "sunda"),
    ProvinceProfile("51", -8.40, 115.20, 0.5, 4_430, 3.8,
                    ((_H, "bali", 0.86), (_M, "java", 0.10), (_P, "bali", 0.02), (_C, "bali", 0.02)), "bali"),
    ProvinceProfile("52", -8.60, 117.40, 1.2, 5_650, 11.8,
                    ((_M, "muslim_ntt", 0.95), (_H, "bali", 0.05)), "bali"),
    ProvinceProfile("53", -8.66, 121.08, 2.0, 5_650, 19.0,
                    ((_C, "flores_east", 0.50), (_P, "timor", 0.40), (_M, "muslim_ntt", 0.10)), "timor"),
    ProvinceProfile("61", 0.00, 110.50, 2.0, 5_620, 6.3,
                    ((_M, "malay", 0.55), (_C, "dayak", 0.25), (_P, "dayak", 0.10), (_M, "java", 0.10)), "dayak"),
    ProvinceProfile("62", -1.70, 113.40, 2.0, 2_770, 5.2,
                    ((_M, "malay", 0.45), (_P, "dayak", 0.30), (_M, "java", 0.20), (_H, "dayak", 0.05)), "dayak"),
    ProvinceProfile("63", -2.90, 115.30, 1.0, 4_190, 4.1,
                    ((_M, "malay", 0.85), (_M, "java", 0.12), (_P, "dayak", 0.03)), "malay"),
    ProvinceProfile("64", 0.50, 116.40, 2.2, 4_000, 5.8,
                    ((_M, "java", 0.35), (_M, "bugis", 0.30), (_M, "malay", 0.15), (_P, "dayak", 0.10),
                     (_C, "dayak", 0.10)), "dayak"),
    ProvinceProfile("65", 3.00, 116.20, 1.5, 730, 6.2,
                    ((_P, "dayak", 0.35), (_M, "bugis", 0.30), (_M, "malay", 0.20), (_M, "java", 0.15)), "dayak"),
    ProvinceProfile("71", 1.20, 124.80, 1.5, 2_660, 7.3,
                    ((_P, "minahasa", 0.65), (_M, "gorontalo", 0.20), (_C, "minahasa", 0.05), (_M, "bugis", 0.10)),
                    "minahasa"),
    ProvinceProfile("72", -1.40, 121.40, 2.0, 3_120, 11.8,
                    ((_M, "bugis", 0.70), (_P, "minahasa", 0.20), (_H, "bali", 0.05), (_M, "java", 0.05)), "bugis"),
    ProvinceProfile("73", -3.70, 120.00, 1.8, 9_460, 8.7,
                    ((_M, "bugis", 0.88), (_P, "bugis", 0.10), (_C, "bugis", 0.02)), "bugis"),
    ProvinceProfile("74", -4.10, 122.20, 1.5, 2_790, 11.0,
                    ((_M, "bugis", 0.90), (_M, "java", 0.06), (_H, "bali", 0.04)), "bugis"),
    ProvinceProfile("75", 0.70, 122.45, 0.8, 1_200, 14.9, ((_M, "gorontalo", 0.97), (_P, "minahasa", 0.03)),
                    "gorontalo"),
    ProvinceProfile("76", -2.80, 119.20, 1.0, 1_490, 11.3, ((_M, "bugis", 0.85), (_P, "bugis", 0.15)), "bugis"),
    ProvinceProfile("81", -3.20, 129.00, 3.0, 1_930, 16.0,
                    ((_P, "maluku", 0.45), (_M, "maluku", 0.45), (_C, "maluku", 0.10)), "maluku"),
    ProvinceProfile("82", 1.60, 127.80, 2.0, 1_360, 6.0, ((_M, "maluku", 0.75), (_P, "maluku", 0.25)), "maluku"),
    ProvinceProfile("91", -2.50, 139.30, 1.2, 1_060, 17.3,
                    ((_P, "papua", 0.55), (_C, "papua", 0.20), (_M, "bugis", 0.15), (_M, "java", 0.10)), "papua"),
    ProvinceProfile("92", -1.30, 133.50, 1.5, 560, 20.5,
                    ((_P, "papua", 0.55), (_M, "papua", 0.20), (_M, "java", 0.15), (_M, "bugis", 0.10)), "papua"),
    ProvinceProfile("93", -7.00, 139.20, 1.5, 540, 17.0,
                    ((_C, "papua", 0.60), (_P, "papua", 0.10), (_M, "java", 0.25), (_M, "bugis", 0.05)), "papua"),
    ProvinceProfile("94", -3.80, 136.30, 1.8, 1_450, 28.0,
                    ((_P, "papua", 0.60), (_C, "papua", 0.30), (_M, "bugis", 0.10)), "papua"),
    ProvinceProfile("95", -4.10, 139.00, 1.2, 1_450, 30.0, ((_P, "papua", 0.85), (_C, "papua", 0.15)), "papua"),
    ProvinceProfile("96", -1.00, 131.60, 1.2, 620, 18.0,
                    ((_P, "papua", 0.60), (_M, "papua", 0.15), (_M, "java", 0.15), (_M, "bugis", 0.10)), "papua"),
)}
# fmt: on
