"""INARISK (BNPB) hazard index per village and hazard type; coastal and volcanic hazards where they apply."""

from __future__ import annotations

import numpy as np

from sepakat_synthetic import config, formats
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.world import World

# (hazard, mean index, applies to: all / coastal / volcanic villages)
HAZARDS = (
    ("BANJIR", 0.35, "all"),
    ("BANJIR BANDANG", 0.30, "all"),
    ("TANAH LONGSOR", 0.40, "all"),
    ("GEMPABUMI", 0.55, "all"),
    ("KEKERINGAN", 0.60, "all"),
    ("CUACA EKSTRIM", 0.50, "all"),
    ("KEBAKARAN HUTAN DAN LAHAN", 0.40, "all"),
    ("TSUNAMI", 0.45, "coastal"),
    ("GELOMBANG EKSTRIM DAN ABRASI", 0.45, "coastal"),
    ("LETUSAN GUNUNG API", 0.35, "volcanic"),
)
COASTAL_SHARE = 0.45
VOLCANIC_REGENCIES = {"5306", "5307", "5308", "5309", "5310", "5313", "5316", "5319"}  # Flores and Lembata
_BOUNDS = (1 / 3, 2 / 3)  # BNPB classes: RENDAH below 0.333, TINGGI from 0.667
_VINTAGE = config.VINTAGES["inarisk"]


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("inarisk")
    place = world.place
    n = len(place)
    coastal = rng.random(n) < COASTAL_SHARE
    volcanic = place["regency_code"].isin(VOLCANIC_REGENCIES).to_numpy() & (rng.random(n) < 0.3)
    regency = place["regency_index"].to_numpy()
    village_code = place["village_code"].to_numpy().astype(np.int64)
    codes, hazards, index = [], [], []
    for number, (_, mean, applies) in enumerate(HAZARDS):
        where = {"all": np.ones(n, dtype=bool), "coastal": coastal, "volcanic": volcanic}[applies]
        regional = rng.normal(0.0, 0.12, regency.max() + 1)[regency]
        value = np.clip(mean + regional + rng.normal(0.0, 0.15, n), 0.0, 1.0)
        codes.append(village_code[where])
        hazards.append(np.full(int(where.sum()), number))
        index.append(np.round(value[where], 3))
    code, hazard, value = np.concatenate(codes), np.concatenate(hazards), np.concatenate(index)
    order = np.lexsort((hazard, code))
    columns = {
        "kode_desa": formats.digits(code[order]),
        "jenis_bahaya": formats.lookup([h[0] for h in HAZARDS], hazard[order]),
        "indeks_bahaya": value[order],
        "kelas_bahaya": formats.lookup(
            ("RENDAH", "SEDANG", "TINGGI"), np.searchsorted(_BOUNDS, value[order], side="right")
        ),
    }
    return [
        SourceFile("inarisk_bahaya", f"inarisk/inarisk_indeks_bahaya_{_VINTAGE:%Y%m%d}.csv", table(columns))
    ]
