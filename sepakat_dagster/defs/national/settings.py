"""The national pass as data: who is the same person across provinces, how the probabilistic pass blocks and
scores, which province lists a cross-province duplicate, and what the national roll-ups sum.

Everything the national pass decides lives here; the other modules of this package only run it. Conditions are SQL
over `l.` / `r.` (two province persons' representative records), so a reviewer reads exactly what each rule means.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field

import yaml

from sepakat_dagster.defs.linkage.settings import THRESHOLDS
from sepakat_dagster.paths import DBT_PROJECT_DIR, SEEDS_DIR

# ---- the NIK index ------------------------------------------------------------------------------------------

# Two province persons who carry the same valid NIK are the same human when their identities agree: the same sex,
# the same birth date (or day and month swapped, the commonest date error), and compatible names (Jaro-Winkler at
# least 0.85, the same tokens reordered, or one name's tokens within the other's: a title dropped, a name
# shortened). These are drawn from the province linkage's tests of compatible names (docs/linkage.md, deterministic
# pass): a NIK is issued once, so the bar is "not obviously somebody else", not "proven the same". Otherwise the NIK is
# used by two different people (a mistyped NIK that is somebody else's, or a NIK lent): flagged, counted and
# queued for review, never linked and never fatal.
NAME_AGREES_SQL = (
    "(jaro_winkler_similarity(l.name_normalised, r.name_normalised) >= 0.85 "
    "or l.name_tokens_sorted = r.name_tokens_sorted "
    "or list_has_all(string_split(l.name_normalised, ' '), string_split(r.name_normalised, ' ')) "
    "or list_has_all(string_split(r.name_normalised, ' '), string_split(l.name_normalised, ' ')))"
)
BIRTH_DATE_AGREES_SQL = (
    "(l.birth_date = r.birth_date or (year(l.birth_date) = year(r.birth_date) "
    "and month(l.birth_date) = day(r.birth_date) and day(l.birth_date) = month(r.birth_date)))"
)
SEX_AGREES_SQL = "(l.sex = r.sex)"
IDENTITY_FIELDS = {"name": NAME_AGREES_SQL, "birth_date": BIRTH_DATE_AGREES_SQL, "sex": SEX_AGREES_SQL}

# The record that stands for a province person under one NIK: a record holding that NIK, Regsosek first (the full
# enumeration, the freshest identity), then the latest record, then the smallest record key (deterministic).
REPRESENTATIVE_ORDER = "(registry = 'regsosek') desc, record_date desc nulls last, person_record_key"

# ---- the probabilistic pass ---------------------------------------------------------------------------------

# Which records Splink compares across provinces: those the NIK cannot place. A record is unresolved when its NIK
# is missing or invalid, disagrees with the record's own sex or birth date (a mistyped birth-date part), or is in a
# NIK conflict; or when it is an unplaced migrant: a valid NIK registered in another province that no record of
# any other province holds. That is the other side of a mover whose stale record's NIK was mistyped into another
# valid, consistent NIK (a serial digit): the stale record looks like anybody's, the migrant's NIK points at its
# origin. Every pair has at least one unresolved record and two different provinces; a record with a valid,
# consistent NIK of its own province is compared only against unresolved records.
UNRESOLVED_SQL = ("not nik_is_consistent or in_nik_conflict "
                  "or (left(nik, 2) <> province_code and nik_provinces = 1)")
CROSS_PROVINCE_SQL = "l.province_code <> r.province_code and (l.unresolved or r.unresolved)"

# Blocking: the same birth date and a name block (first or last name token). A mover keeps name and birth date;
# region codes differ by definition, so no rule reads them. Equi-joins only, each narrowed by CROSS_PROVINCE_SQL.
# Comparisons grow with the square of the nation under these rules; blocking on the birth date and a valid NIK's
# district of issue equal to the other record's district (either way round) grows linearly, for 2.5 points less
# recall on missing or corrupt NIKs (measured, docs/national.md "Where it stops fitting").
BLOCK_NAME_COLUMNS = ("first_name", "last_name")
BLOCKING_RULES: tuple[tuple[str, str], ...] = tuple(
    (f"birth_date_{column}", f"l.birth_date = r.birth_date and l.{column} = r.{column}")
    for column in BLOCK_NAME_COLUMNS)

# The committed person model's comparisons without the one for location: within a province, "different regency"
# is strong evidence against a match and the model learnt it so (m near the floor); across provinces every pair
# differs in location, so that level would veto every mover. Name, birth date, sex and NIK keep their trained m and
# u: what a typo, a swapped date or a mistyped NIK looks like does not depend on the province.
DROPPED_COMPARISONS = ("location",)

# A comparison the province model cannot have: where a valid NIK was first registered against where the other
# record lives. A mover keeps the NIK of the district of first registration, and the record left behind in the old
# province usually sits in that district; for two random records of two provinces this is rare (one would have to
# be a migrant from the other's district). Its u is counted exactly from the national records (predict.py, no pair
# table); its m is an assumption stated here, not trained: most stale records stay in the district of
# registration, some moved within the old province first.
ORIGIN_COMPARISON = "nik_origin"
ORIGIN_LEVELS: tuple[tuple[str, int, float], ...] = (
    # (label, NIK digits compared with the other record's region code, m probability)
    ("NIK registered in the other record's district", 6, 0.85),
    ("NIK registered in the other record's regency", 4, 0.10),
)
ORIGIN_ELSE_M = 0.05
ORIGIN_REGION_COLUMNS = {6: "district_code", 4: "regency_code"}

# The prior. The province model's probability that two random records match, rescaled to the national number of
# records (as the province linkage rescales it), counts every true pair; only the pairs of people who moved and
# left a record behind cross a province line. This factor is the assumed share of those among all true pairs
# (an assumption, not a measurement: the generator's ground truth measures the result in evaluation.*).
CROSS_PROVINCE_PRIOR_FACTOR = 0.05

MATCH_PROBABILITY = THRESHOLDS.match  # the province linkage's thresholds: one meaning of "a match" nationwide
REVIEW_PROBABILITY = THRESHOLDS.review

# ---- cross-province duplicates on the targeting lists ---------------------------------------------------------

# A human found in several provinces is listed in the province of current residence and flagged in the others.
# Residence: the province of the person's latest Regsosek record (Regsosek enumerates where people live; DTKS and
# P3KE keep a record where it was first proposed); without a Regsosek record, the province of the latest record of
# any registry; a tie goes to the smallest province code (deterministic).
RESIDENCE_ORDER = "(registry = 'regsosek') desc, record_date desc nulls last, province_code"
# The two roles are named in a seed (seeds/marts/national_targeting_roles.csv), which the province marts read when
# the flags come back to them: one spelling for the pass that writes a role and the province that reads it.
ROLES_SEED = SEEDS_DIR / "marts" / "national_targeting_roles.csv"


def _roles() -> tuple[str, str]:
    """(the role of the residence province, the role of every other), from the seed; exactly one of each."""
    with ROLES_SEED.open(encoding="utf-8", newline="") as handle:
        roles = {row["targeting_role"]: row["listed_here"] == "true" for row in csv.DictReader(handle)}
    here = [role for role, listed in roles.items() if listed]
    elsewhere = [role for role, listed in roles.items() if not listed]
    if len(here) != 1 or len(elsewhere) != 1:
        raise ValueError(f"{ROLES_SEED.name} must name one role that lists the person and one that flags it")
    return here[0], elsewhere[0]


LIST_HERE, FLAG_LISTED_ELSEWHERE = _roles()

# The flags travel back to each province as one more delivery in its landing folder (defs/national/deliveries.py,
# read by the province as the catalogue source of this name): written after the national warehouse is published,
# and only when its content changed, so that a province refreshes once per change, not once per national pass.
FLAGS_SOURCE = "national_targeting_flags"

# ---- national roll-ups ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    """One province mart rolled up to the nation. `keys` and `measures` are those of the mart's own dbt test
    "the regencies sum to the province" (read from its yml, never restated); `labels` are columns that follow
    from the keys; `rates` are recomputed from the summed counts (name -> SQL); `count_columns` are the counts
    that small-cell suppression withholds, and `derived` the columns withheld with the counts they are made of."""

    mart: str
    keys: tuple[str, ...]
    measures: tuple[str, ...]
    labels: tuple[str, ...] = ()
    rates: dict[str, str] = field(default_factory=dict)
    count_columns: tuple[str, ...] = ()
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return f"marts.{self.mart}"

    @property
    def table(self) -> str:
        return f"national.{self.mart}"

    @property
    def published(self) -> str:
        return f"national.{self.mart}_published"


@functools.cache
def regency_identity(mart: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys and measures of the mart's `sums_to_parent` test from regencies to the province."""
    declared = yaml.safe_load((DBT_PROJECT_DIR / "models" / "marts" / f"{mart}.yml").read_text(encoding="utf-8"))
    for model in declared["models"]:
        for test in model.get("data_tests") or ():
            arguments = (test.get("sums_to_parent") or {}).get("arguments") if isinstance(test, dict) else None
            if arguments and arguments["child_level"] == "regency" and arguments["parent_level"] == "province":
                return tuple(arguments["keys"]), tuple(arguments["measures"])
    raise ValueError(f"marts/{mart}.yml declares no sums_to_parent test from regencies to the province")


def _rollup(mart: str, labels: tuple[str, ...] = (), rates: dict[str, str] | None = None,
            derived: dict[str, tuple[str, ...]] | None = None) -> Rollup:
    keys, measures = regency_identity(mart)
    derived = derived or {}
    return Rollup(mart=mart, keys=keys, measures=measures, labels=labels, rates=rates or {},
                  count_columns=tuple(m for m in measures if m not in derived), derived=derived)


def _budget_amounts() -> dict[str, tuple[str, ...]]:
    """Each amount of budget_reallocation and the unit counts it is priced from (withheld with them)."""
    by_prefix = {
        "current_cost": ("recipient_units",),
        "target_cost": ("eligible_units",),
        "cost_of_exclusion_errors": ("exclusion_error_units",),
        "savings_from_inclusion_errors": ("inclusion_error_units",),
        "net_reallocation": ("exclusion_error_units", "inclusion_error_units"),
    }
    _, measures = regency_identity("budget_reallocation")
    return {m: units for m in measures if m.endswith("_idr") for prefix, units in by_prefix.items()
            if m.startswith(prefix)}


@functools.cache
def rollups() -> tuple[Rollup, ...]:
    return (
        _rollup("targeting_errors", labels=("program_label", "unit_kind", "reference_ranking", "receipt_known"),
                rates={"inclusion_error_rate": "inclusion_errors / nullif(recipients, 0)",
                       "exclusion_error_rate": "exclusion_errors / nullif(eligible, 0)"}),
        _rollup("registry_coverage"),
        _rollup("spm_indicators", labels=("is_spm", "sector", "government_level", "indicator", "target_pct"),
                rates={"achievement_pct": "floor(10000.0 * numerator / nullif(denominator, 0)) / 100"}),
        _rollup("budget_reallocation", labels=("program_label", "receipt_known"), derived=_budget_amounts()),
    )


NATION = "nation"  # region_level of the national row; the provinces' rows keep region_level 'province'
NATION_CODE = "00"  # region_code of the national row (Kemendagri codes start at 11)
