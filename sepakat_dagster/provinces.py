"""The province codes, read from the national region reference (dbt seed `ref_national_regions`, built from pinned
packages), the same list the NIK checks use. Free of Dagster imports, so that `sepakat --help` answers at once."""

import csv
import functools

from sepakat_dagster.paths import SEEDS_DIR

NATIONAL_REGIONS_SEED = SEEDS_DIR / "reference" / "ref_national_regions.csv"


@functools.cache
def province_codes() -> tuple[str, ...]:
    """The two-digit code of every province in the current decree, in order."""
    with NATIONAL_REGIONS_SEED.open(newline="", encoding="utf-8") as seed:
        return tuple(sorted(row["region_code"] for row in csv.DictReader(seed)
                            if row["level"] == "province" and row["in_current_decree"] == "True"))
