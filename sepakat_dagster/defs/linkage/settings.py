"""The person linkage model as data: blocking rules, comparisons, training rules and thresholds.

Everything the model is lives here and in the trained `models/person_model.json`; the other modules only run it.
Column names are those of the prepared records (see records.py). Comparisons are written as SQL conditions on
`<column>_l` / `<column>_r` so that a reviewer can read exactly what each level means.
"""

from __future__ import annotations

from dataclasses import dataclass

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

MODEL_NAME = "person"
# Bump when the comparisons or blocking rules change: a model trained under another version is refused.
SETTINGS_VERSION = 4


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities that decide what happens to a scored pair.

    - pairs at or above `store` are kept in linkage.person_links (lower ones are counted, not stored);
    - pairs at or above `review` and below `match` go to the clerical review queue;
    - pairs at or above `match` join their records into one person;
    - pairs at or above `household_match` and below `match` also join their records when the two records'
      households are already linked through other members: each household holds another record of one person
      (cluster.py). A record without a NIK scores lower as a province grows, because namesakes born on the same
      day multiply (the prior falls as 1/N), while the family around it still says who it is. At 5.5 million
      persons, 4 of 100 true pairs with a missing or corrupt NIK scored between 0.5 and 0.95: this pass took
      their F1 from 0.975 to 0.991 and left the precision of valid-NIK pairs at 0.9991 (offline, on the same
      links). It stays at the review threshold: below it, a pair is no evidence even with its family.
    """

    store: float = 0.01
    review: float = 0.5
    match: float = 0.95
    household_match: float = 0.5


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class ClusterLimits:
    """What a plausible person looks like, and when an implausible one means the model itself is broken.

    - `max_size`: most persons have one record per registry (a DTKS duplicate makes two or three); a component of
      more records is a chain of links through people who share a name and birth date, not one person;
    - `repair_thresholds`: such a component is re-clustered on its own links at each stricter match probability
      in turn until every part is plausible; whatever is still too big is split into single records. Its pairs
      go to the review queue with the reason, so a clerk decides who belongs together;
    - `max_oversized_record_share`: the gate. At 5.5 million persons about 1 record in 100,000 lands in an
      oversized component (name collisions grow with the province); a model that merges unrelated people (a
      flipped comparison, a bad prior) puts whole villages together, hundreds of times more. 0.5 % of records is
      far above the first and far below the second;
    - `max_mixed_share`: one record may carry a wrong sex or a wrong birth year, hardly both; above 0.1 % of
      multi-record persons mixing both, the clusters are not trusted.
    """

    max_size: int = 6
    repair_thresholds: tuple[float, ...] = (0.99, 0.999, 0.9999)
    max_oversized_record_share: float = 0.005
    max_mixed_share: float = 0.001


CLUSTER_LIMITS = ClusterLimits()

# Splink scores the records in slices of about this many (left-hand) records, so the blocked pairs of one slice,
# not of the whole country, are held at a time; each slice's scored pairs are appended to the links. Every slice
# repeats the blocking joins over all records (3 slices took twice as long as 1 on 1.5 million records), and the
# DuckDB memory limit already keeps one slice's pairs on disk, so a slice is as large as a big province: a 5.5-
# million-person province (9.6 million records) is one slice, a national run many.
RECORDS_PER_PREDICT_CHUNK = 10_000_000

# Splink scores only pairs in which at least one record is not in an unambiguous NIK group (deterministic.py).
# Two records of one group are already linked; two records of two different groups are two persons, each
# confirmed by a shared, consistent NIK and compatible names: at 5.5 million persons 54 of 6.0 million true pairs
# cross two groups (0.0009 %), while such pairs were more than half of all comparisons.
NOT_BOTH_GROUPED_BY_NIK = "(l.deterministic_group is null or r.deterministic_group is null)"

# Blocking: each rule is an equi-join on few columns, so that each record meets only a handful of others
# (about 100k comparisons per second per core; keep comparisons per record low). Order matters only for
# reporting: a pair is counted under the first rule that generates it.
# Comparisons per record grow with the number of records per cell (a province's regencies and birth dates are
# fixed, its people are not), so every rule must be narrow enough for a 5.5-million-person province: the former
# "same regency and birth date" rule alone gave 17.7 comparisons per record there (170 million pairs, three
# quarters of the linkage time) for 0.0005 % of true pairs that no other rule found. Its two narrower halves
# give 4 per record together and keep 99.998 % blocking recall (measured against the generator's truth).
BLOCKING_RULES: tuple[tuple[str, str], ...] = (
    # (name, SQL) — the name shows in person_links.match_key and in the blocking report.
    ("same_nik", "l.nik = r.nik"),
    # Same district and the same birth date, or the same date with day and month swapped.
    ("district_birth_date", "l.district_code = r.district_code and l.birth_date_key = r.birth_date_key"),
    # Moved within a regency: the same (or swapped) date and the same initial of the alphabetically first token.
    ("regency_birth_date_initial", "l.regency_code = r.regency_code and l.birth_date_key = r.birth_date_key "
     "and l.name_initial = r.name_initial"),
    # Moved across regencies: the same date and the same first or last name token.
    ("birth_date_first_name", "l.birth_date = r.birth_date and l.first_name = r.first_name"),
    ("birth_date_last_name", "l.birth_date = r.birth_date and l.last_name = r.last_name"),
    # A wrong birth date: the same name tokens in the same village.
    ("village_name", "l.village_code = r.village_code and l.name_tokens_sorted = r.name_tokens_sorted"),
)


def blocking_rules_for_prediction() -> list[str]:
    return [f"{sql} and {NOT_BOTH_GROUPED_BY_NIK}" for _, sql in BLOCKING_RULES]


# ---- comparisons ----------------------------------------------------------------------------------------------


def tokens_contained_sql(a: str, b: str) -> str:
    """Every token of list `a` is a token of list `b`, or the initial of one ("Y TEFA" in "YOHANES TEFA")."""
    return (
        f"list_bool_and(list_transform({a}, lambda t: list_bool_or(list_transform({b}, "
        f"lambda u: u = t or (length(t) = 1 and starts_with(u, t))))))"
    )


def shortened_name_sql(tokens_l: str, tokens_r: str, name_l: str, name_r: str) -> str:
    """One name's tokens within the other's, either way. The list lambdas cost more than a string search, so a
    CASE (which DuckDB evaluates lazily, unlike AND) first checks that the last token occurs in the other name."""
    return (
        f"case when contains({name_r}, {tokens_l}[-1]) then {tokens_contained_sql(tokens_l, tokens_r)} else false end"
        f" or case when contains({name_l}, {tokens_r}[-1]) then {tokens_contained_sql(tokens_r, tokens_l)} "
        f"else false end"
    )


def one_edit_apart_sql(a: str, b: str) -> str:
    """Damerau-Levenshtein distance at most 1 (one character wrong, missing, extra, or two swapped).

    Damerau-Levenshtein is about 30 times costlier than the other functions; a CASE computes it only for
    equal-length strings at most two positions apart (Hamming), which is all a substitution or a transposition
    can produce, and falls back to Levenshtein for strings one character longer or shorter.
    """
    return (
        f"case when length({a}) = length({b}) then "
        f"(case when hamming({a}, {b}) <= 2 then damerau_levenshtein({a}, {b}) <= 1 else false end) "
        f"when abs(length({a}) - length({b})) = 1 then levenshtein({a}, {b}) <= 1 else false end"
    )


def name_comparison(column: str = "name_normalised", tokens: str = "name_tokens", sorted_tokens: str =
                    "name_tokens_sorted", term_frequencies: bool = True,
                    token_in_common: bool = False) -> cl.CustomComparison:
    """Normalised full names: exact (term-frequency adjusted), reordered, typo, shortened or initials, fuzzy.

    `token_in_common` adds a last level before "all other": one whole token shared (the same surname under another
    given name, or the reverse). For files that carry family names (`sepakat link`): in the registries a shared
    token is mostly a relative of the same household, whom the other fields already tell apart.
    """
    exact = cll.ExactMatchLevel(column)
    if term_frequencies:
        exact = exact.configure(tf_adjustment_column=column, tf_minimum_u_value=0.001)
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="normalised full name",
        comparison_levels=[
            cll.NullLevel(column),
            exact,
            cll.CustomLevel(f"{sorted_tokens}_l = {sorted_tokens}_r", "same tokens, reordered"),
            cll.CustomLevel(f"jaro_winkler_similarity({column}_l, {column}_r) >= 0.92", "Jaro-Winkler >= 0.92"),
            cll.CustomLevel(
                shortened_name_sql(f"{tokens}_l", f"{tokens}_r", f"{column}_l", f"{column}_r"),
                "shortened: one name's tokens (or initials) within the other",
            ),
            cll.CustomLevel(
                f"jaro_winkler_similarity({column}_l, {column}_r) >= 0.8 "
                f"or jaro_winkler_similarity({sorted_tokens}_l, {sorted_tokens}_r) >= 0.88",
                "Jaro-Winkler >= 0.8 (or reordered >= 0.88)",
            ),
            *([cll.CustomLevel(f"len(list_intersect({tokens}_l, {tokens}_r)) > 0", "a name token in common")]
              if token_in_common else []),
            cll.ElseLevel(),
        ],
    )


def birth_date_comparison(column: str = "birth_date", from_nik: str | None = "nik_birth_date") -> cl.CustomComparison:
    """Birth dates (DATE): exact, day and month swapped, agreeing with the other's NIK, one part wrong, within a
    year. Integer parts of DATEs, no string functions: dates are compared for nearly every pair."""
    levels = [
        cll.NullLevel(column),
        # Term frequencies: registries heap birth dates on defaults (1 January, a clipped minimum age).
        cll.ExactMatchLevel(column).configure(tf_adjustment_column=column, tf_minimum_u_value=0.0001),
        cll.CustomLevel(
            f"year({column}_l) = year({column}_r) and month({column}_l) = day({column}_r) "
            f"and day({column}_l) = month({column}_r)",
            "day and month swapped",
        ),
    ]
    if from_nik:
        levels.append(cll.CustomLevel(
            f"{column}_l = {from_nik}_r or {from_nik}_l = {column}_r", "agrees with the other record's NIK"
        ))
    levels += [
        cll.CustomLevel(
            f"(year({column}_l) = year({column}_r))::int + (month({column}_l) = month({column}_r))::int "
            f"+ (day({column}_l) = day({column}_r))::int >= 2",
            "two of day, month and year agree (one typed wrong)",
        ),
        cll.CustomLevel(f"abs(datediff('day', {column}_l, {column}_r)) <= 366", "within a year"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name=column, comparison_description="date of birth", comparison_levels=levels
    )


def sex_comparison(column: str = "sex") -> cl.ExactMatch:
    return cl.ExactMatch(column)


def location_comparison(levels: tuple[str, ...] = ("village_code", "district_code", "regency_code"),
                        output_column_name: str = "location") -> cl.CustomComparison:
    """Where the record's household lives, from the finest region level down to the coarsest."""
    return cl.CustomComparison(
        output_column_name=output_column_name,
        comparison_description="region of residence",
        comparison_levels=[
            cll.NullLevel(levels[0]),
            *[cll.ExactMatchLevel(column) for column in levels],
            cll.ElseLevel(),
        ],
    )


def nik_typo_sql(a: str, b: str, consistent_a: str, consistent_b: str) -> str:
    """Two NIKs with the same region (digits 1-6) and serial (13-16) whose birth-date parts (7-12) are one edit
    apart (Damerau-Levenshtein 1 on six digits), where at least one NIK disagrees with its own record (its
    recorded sex or birth date) or is not valid: the mark of a mistyped NIK. A day 40 apart with the same month
    and year is not a typo but the other sex: a brother and a sister born on the same day."""
    return (
        f"case when left({a}, 6) = left({b}, 6) and right({a}, 4) = right({b}, 4) "
        f"and not ({consistent_a} and {consistent_b}) "
        f"and not (substr({a}, 9, 4) = substr({b}, 9, 4) "
        f"and abs(try_cast(substr({a}, 7, 2) as integer) - try_cast(substr({b}, 7, 2) as integer)) = 40) "
        f"then damerau_levenshtein(substr({a}, 7, 6), substr({b}, 7, 6)) <= 1 else false end"
    )


def nik_comparison(column: str = "nik", validity: str = "nik_is_valid",
                   consistency: str = "nik_is_consistent") -> cl.CustomComparison:
    """NIK: exact and agreeing with both records; exact; mistyped in the birth-date part; not valid; different.

    Exact NIKs split in two: a NIK that agrees with both records' sex and birth date is that person's; one that
    contradicts a record is most often a record with a wrong sex or swapped date, but sometimes a mistyped NIK
    that happens to be somebody else's — its weight is learnt separately, so the names can overrule it.

    A NIK repeats the district of first registration, the birth date and the sex (day + 40), and serials start
    at 0001, so two different people born on the same day in one regency usually have NIKs one digit apart
    (serial 0001 and 0002, district 05 and 06, day 17 and 57 for a brother and a sister). Random pairs, from
    which u is estimated, hardly ever do, so a general "one digit apart" level would add a large weight exactly
    where the birth date already agreed, and look-alikes would score as matches. A near miss counts as a typo
    only inside the birth-date part, with region and serial equal, and only when one of the two NIKs disagrees
    with its own record (a NIK that agrees with its record's sex and birth date is that person's NIK); other
    near misses fall to "different" and the other fields decide.
    """
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description="national id (NIK)",
        comparison_levels=[
            cll.NullLevel(column),
            cll.CustomLevel(f"{column}_l = {column}_r and {consistency}_l and {consistency}_r",
                            "exact, agreeing with both records"),
            cll.ExactMatchLevel(column).configure(label_for_charts="exact, contradicting a record"),
            cll.CustomLevel(
                nik_typo_sql(f"{column}_l", f"{column}_r", f"{consistency}_l", f"{consistency}_r"),
                "birth-date part mistyped (same region and serial, one edit apart)",
            ),
            cll.CustomLevel(f"not ({validity}_l and {validity}_r)", "one of them is not a valid NIK"),
            cll.ElseLevel(),
        ],
    )


def national_id_comparison(column: str) -> cl.CustomComparison:
    """Any other national id (`sepakat link`): exact, one edit apart (Damerau-Levenshtein 1), different."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description="national id",
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.CustomLevel(one_edit_apart_sql(f"{column}_l", f"{column}_r"), "one character wrong or two swapped"),
            cll.ElseLevel(),
        ],
    )


def comparisons() -> list:
    return [
        name_comparison(),
        birth_date_comparison(),
        sex_comparison(),
        location_comparison(),
        nik_comparison(),
    ]


def settings_creator() -> SettingsCreator:
    """The untrained model: one deduplication of the three registries' records together.

    Not Splink's link_and_dedupe: the record key already names the registry, so the pairs are the same, but
    link_and_dedupe joins every pair on the text `source_dataset || '-__-' || unique_id`, which doubled the time
    of blocking and scoring (27 s and 14 s against 14 s and 8 s at 1.4 million persons, the same links).
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules_for_prediction(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
        max_iterations=20,
        em_convergence=0.0001,
    )


# ---- training ------------------------------------------------------------------------------------------------

# Rules that admit (almost) only true matches, and their assumed recall: estimate how likely two random records
# are the same person.
PRIOR_RULES = (
    "l.nik = r.nik and l.nik_is_consistent and r.nik_is_consistent",
    "l.name_normalised = r.name_normalised and l.birth_date = r.birth_date and l.village_code = r.village_code",
)
PRIOR_RECALL = 0.95

# Expectation maximisation sessions: each blocks on some fields and estimates the m probabilities of the others.
EM_BLOCKING_RULES = (
    block_on("nik"),
    block_on("regency_code", "birth_date"),
    block_on("name_normalised"),
)

U_MAX_PAIRS = 1e7
TRAINING_SEED = 42

# Smallest m probability a level may keep. Expectation maximisation gives levels it never saw among matches (two
# different valid NIKs, different regencies) an m near 0, that is a veto of -50 bits; real registries hold such
# matches (a NIK mistyped twice, a move across regencies), so no single field may veto a match on its own.
M_FLOOR = 0.001
