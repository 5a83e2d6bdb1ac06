"""The rules of the places stage, in one place: which tables it reads and writes, when a geotag is implausible,
how many households it holds in memory at a time."""

# Zone layers the households are joined to: layer name -> staging model with zone_id and geometry_wkt (WGS84).
ZONE_LAYERS = {
    "hazard": "staging.stg_inarisk__hazard_zones",
    "slum": "staging.stg_pupr__slum_areas",
}
HOUSEHOLDS = "staging.stg_regsosek__households"  # the registry that geotags its households
REGIONS = "reference.ref_regions"  # village centroids

SCHEMA = "places"
HOUSEHOLD_ZONES = f"{SCHEMA}.household_zones"  # (household_id, zone_id, layer): one row per household and zone
HOUSEHOLD_GEOTAGS = f"{SCHEMA}.household_geotags"  # (household_id, village_code, geotag_status): one per household

# A geotag farther than this from its own village's centroid is implausible (a GPS default, swapped or mistyped
# coordinates, or the wrong village): such a household is counted, not placed in a zone. Villages in Nusa Tenggara
# Timur and Gorontalo reach about 10 km across; 25 km leaves room for the largest.
GEOTAG_MAX_KM = 25.0

# Households streamed from DuckDB per batch: a batch's points and results take a few tens of MB.
BATCH_ROWS = 200_000
