"""The region seeds the loader tests validate codes against: one Kupang district and one of its villages."""

from pathlib import Path

import pytest

REGIONS = """region_code,level,name,parent_code,province_code,regency_code,district_code,village_type,latitude,longitude
53,province,Nusa Tenggara Timur,,53,,,,-9.5,121.0
5371,regency,Kota Kupang,53,53,5371,,,-10.17,123.6
537103,district,Oebobo,5371,53,5371,537103,,-10.16,123.61
5371031001,village,Oebobo,537103,53,5371,537103,kelurahan,-10.16,123.61
"""
CROSSWALK = """level,kemendagri_code,bps_code
district,537103,5371030
village,5371031001,5371030001
"""


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "ref_regions.csv").write_text(REGIONS)
    (folder / "ref_region_crosswalk_bps.csv").write_text(CROSSWALK)
    return folder
