"""The welfare distribution marts on the session's province against the generator's ground truth: reference deciles
and Regsosek percentiles as the documented proxy-means error delivers them from the true welfare, the registries'
disagreement as the generator planted it in their deliveries, and the publishable views' suppression."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from sepakat_synthetic import config
from sepakat_synthetic.regsosek import PMT_NOISE_SD
from tests.defs.marts.helpers import MIN_CELL_COUNT, Pipeline

# Regsosek ranks a household on its log consumption plus N(0, PMT_NOISE_SD) (the generator's documented error):
# the delivered deciles and percentiles are the true welfare seen through that error. The tests compare the marts
# with the distribution the error model predicts from each true household's consumption. What separates the two
# besides chance: households Regsosek missed or whose delivery was quarantined, and family units that merge or
# split true households. With ~1,000 households a share has a standard error of at most 1.6 points, so:
DECILE_SHARE_TOLERANCE = 0.04  # per decile, share of the ranked persons or households (2.5 standard errors)
PERCENTILE_KS_TOLERANCE = 0.05  # largest gap between the cumulative distributions over percentiles 1-100
# Agreement between the registries: the marts see it through linkage and family units, the truth per household.
AGREEMENT_SHARE_TOLERANCE = 0.05
THREE_LEVELS_RELATIVE_TOLERANCE = 0.25


def _true_households(pipeline: Pipeline) -> tuple[np.ndarray, np.ndarray]:
    """Consumption and living members of every true household with a living member."""
    rows = pipeline.query(f"""
        select h.consumption_per_capita, count(*)
        from '{pipeline.truth / "households.parquet"}' as h
        inner join '{pipeline.truth / "persons.parquet"}' as p on p.household_id = h.household_id and p.alive
        group by h.household_id, h.consumption_per_capita
    """)
    return np.array([r[0] for r in rows], dtype=float), np.array([r[1] for r in rows], dtype=float)


def _expected_cdf(consumption: np.ndarray, weight: np.ndarray, cutoffs: np.ndarray) -> np.ndarray:
    """Weighted share whose noisy score falls below each cut-off: P = Phi((ln cut - ln c) / PMT_NOISE_SD)."""
    cdf = np.vectorize(NormalDist().cdf)
    z = (np.log(cutoffs)[None, :] - np.log(consumption)[:, None]) / PMT_NOISE_SD
    return (cdf(z) * weight[:, None]).sum(axis=0) / weight.sum()


def _shares(counts: dict[int, int], scale: int) -> np.ndarray:
    values = np.array([counts.get(k, 0) for k in range(1, scale + 1)], dtype=float)
    return values / values.sum()


def test_reference_deciles_match_the_true_welfare_through_the_pmt_error(pipeline: Pipeline):
    consumption, members = _true_households(pipeline)
    rows = pipeline.query("""
        select cast(decile as integer), persons, households from marts.welfare_distribution_by_decile
        where region_level = 'province' and sex = 'all' and decile <> 'unknown'
    """)
    for column, weight in ((1, members), (2, np.ones_like(members))):
        marts = _shares({r[0]: r[column] for r in rows}, 10)
        expected = np.diff(np.concatenate([[0.0], _expected_cdf(consumption, weight, config.NATIONAL_DECILE_CUTOFFS),
                                           [1.0]]))
        assert np.abs(marts - expected).max() <= DECILE_SHARE_TOLERANCE, (column, marts.round(3), expected.round(3))
    # Nearly every family is ranked: Regsosek enumerated 95.5-97.5 % of households.
    unknown, total = pipeline.query("""
        select sum(households) filter (where decile = 'unknown'), sum(households)
        from marts.welfare_distribution_by_decile where region_level = 'province' and sex = 'all'
    """)[0]
    assert 0 < unknown / total < 0.15


def test_percentiles_match_the_true_percentiles_through_the_pmt_error(pipeline: Pipeline):
    consumption, members = _true_households(pipeline)
    counts = dict(pipeline.query("""
        select cast(percentile as integer), households from marts.welfare_distribution_by_percentile
        where region_level = 'province' and percentile <> 'unknown'
    """))
    marts = np.cumsum(_shares(counts, 100))[:-1]
    expected = _expected_cdf(consumption, np.ones_like(members), config.NATIONAL_PERCENTILE_CUTOFFS)
    assert np.abs(marts - expected).max() <= PERCENTILE_KS_TOLERANCE
    # The true percentiles themselves (truth/households.parquet) lie further away than the error model: the mart
    # shows the ranking Regsosek delivered, not the truth.
    true_counts = dict(pipeline.query(f"""
        select percentile, count(*) from '{pipeline.truth / "households.parquet"}' group by 1
    """))
    truth = np.cumsum(_shares(true_counts, 100))[:-1]
    assert np.abs(marts - expected).max() < np.abs(marts - truth).max()
    # Each percentile lies in its decile: percentiles 10(d-1)+1 .. 10d sum to the decile's households.
    by_decile = dict(pipeline.query("""
        select cast(decile as integer), households from marts.welfare_distribution_by_decile
        where region_level = 'province' and sex = 'all' and decile <> 'unknown'
    """))
    assert {d: sum(counts.get(p, 0) for p in range(10 * d - 9, 10 * d + 1)) for d in range(1, 11)} == \
        {d: by_decile.get(d, 0) for d in range(1, 11)}


def _planted(pipeline: Pipeline) -> dict[str, float]:
    """The registries' own deciles per true household, as their deliveries carry them (harmonised records mapped to
    the true household through the record map): how many both Regsosek and DTKS rank, how many of those at the same
    decile, and how many all three rank at three different deciles."""
    return dict(zip(("both", "same", "three_levels"), pipeline.query(f"""
        with deciles as (
            select map.household_id,
                min(h.registry_decile) filter (where h.registry = 'regsosek') as regsosek,
                min(h.registry_decile) filter (where h.registry = 'dtks') as dtks,
                min(h.registry_decile) filter (where h.registry = 'p3ke') as p3ke
            from intermediate.int_households as h
            inner join '{pipeline.truth / "record_map.parquet"}' as map
                on map.source = h.source_table and map.record_id = h.record_id
            group by map.household_id
        )
        select count(*) filter (where regsosek is not null and dtks is not null),
            count(*) filter (where regsosek = dtks),
            count(*) filter (where regsosek <> dtks and dtks <> p3ke and regsosek <> p3ke)
        from deciles
    """)[0], strict=True))


def test_ranking_agreement_matches_what_the_generator_planted(pipeline: Pipeline):
    planted = _planted(pipeline)
    both, same, three_levels = pipeline.query("""
        select sum(households) filter (where decile_a not in ('not_listed', 'unknown')
                                       and decile_b not in ('not_listed', 'unknown')),
            sum(households) filter (where same_decile),
            sum(households_three_levels)
        from marts.welfare_ranking_agreement
        where region_level = 'province' and ranking_a = 'regsosek' and ranking_b = 'dtks'
    """)[0]
    assert planted["both"] > 100 and 0 < planted["same"] < planted["both"]  # the registries do disagree
    assert abs(same / both - planted["same"] / planted["both"]) <= AGREEMENT_SHARE_TOLERANCE
    assert abs(both - planted["both"]) <= THREE_LEVELS_RELATIVE_TOLERANCE * planted["both"]
    assert planted["three_levels"] > 0
    assert abs(three_levels - planted["three_levels"]) <= THREE_LEVELS_RELATIVE_TOLERANCE * planted["three_levels"]


def test_the_ranking_view_counts_the_same_families_under_each_ranking(pipeline: Pipeline):
    rows = pipeline.query("""
        select ranking, is_reference, households, sum(households) filter (where decile not in ('not_listed', 'all'))
            over (partition by ranking) as listed
        from marts.welfare_distribution_by_ranking where region_level = 'province' and decile = 'all'
    """)
    assert {r[0] for r in rows} == {"regsosek", "dtks", "p3ke"} and [r[0] for r in rows if r[1]] == ["regsosek"]
    assert len({r[2] for r in rows}) == 1
    p3ke = pipeline.scalar("""
        select max(cast(decile as integer)) from marts.welfare_distribution_by_ranking
        where ranking = 'p3ke' and decile not in ('not_listed', 'unknown', 'all')
    """)
    assert p3ke <= 4  # regency deciles 1-4 (welfare_rankings.max_decile)


def test_published_welfare_views_suppress_small_counts(pipeline: Pipeline):
    small = f"between 1 and {MIN_CELL_COUNT - 1}"
    for view in ("welfare_distribution_by_decile", "welfare_distribution_by_percentile",
                 "welfare_distribution_by_ranking"):
        rows, suppressed, shown_small = pipeline.query(f"""
            select count(*), count(*) filter (where persons is null or households is null),
                count(*) filter (where persons {small} or households {small})
            from marts.{view}_published
        """)[0]
        assert rows == pipeline.scalar(f"select count(*) from marts.{view}") and suppressed > 0 and shown_small == 0
    # The internal tables keep the exact small counts the published views hide.
    assert pipeline.scalar(f"select count(*) from marts.welfare_distribution_by_decile "
                           f"where region_level = 'village' and persons {small}") > 0
