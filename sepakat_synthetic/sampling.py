"""Vectorised sampling helpers shared by the population and registry builders."""

from __future__ import annotations

import numpy as np


def ordered_categories(score: np.ndarray, codes_worst_to_best: list[int], shares: list[float]) -> np.ndarray:
    """Give each unit a category so that higher scores get better ones, in exactly the given shares.

    Ranking instead of thresholds keeps the marginal distribution fixed whatever the score's scale.
    """
    n = len(score)
    order = np.argsort(score, kind="stable")
    bounds = np.round(np.cumsum(shares) / np.sum(shares) * n).astype(np.int64)
    category = np.empty(n, dtype=np.int16)
    start = 0
    for code, end in zip(codes_worst_to_best, bounds, strict=True):
        category[order[start:end]] = code
        start = end
    return category


def choice_per_group(rng: np.random.Generator, group: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Draw an option index per unit from the probability row of its group (`table`: groups x options)."""
    cumulative = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(group))
    return (u[:, None] > cumulative[group]).sum(axis=1)


def rank_within(
    groups: np.ndarray, order_key: np.ndarray | None = None, rng: np.random.Generator | None = None
) -> np.ndarray:
    """0-based rank of each unit within its group, ordered by `order_key`, or at random given `rng`."""
    if order_key is not None:
        order = np.lexsort((order_key, groups))
    else:
        assert rng is not None
        shuffled = rng.permutation(len(groups))
        order = shuffled[np.argsort(groups[shuffled], kind="stable")]
    sorted_groups = groups[order]
    starts = np.r_[0, np.flatnonzero(sorted_groups[1:] != sorted_groups[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - group_start
    return rank


def random_dates(
    rng: np.random.Generator, start: np.ndarray | np.datetime64, end: np.ndarray | np.datetime64, size: int
) -> np.ndarray:
    """Uniform dates in [start, end] (inclusive), per unit when start/end are arrays."""
    start_days = np.asarray(start, dtype="datetime64[D]").astype(np.int64)
    end_days = np.asarray(end, dtype="datetime64[D]").astype(np.int64)
    span = np.maximum(end_days - start_days, 0) + 1
    return (start_days + np.floor(rng.random(size) * span).astype(np.int64)).astype("datetime64[D]")


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def pick(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    """Choose about `rate` of all units, only among the eligible ones (so the overall share stays `rate`)."""
    n_eligible = int(eligible.sum())
    if rate <= 0 or n_eligible == 0:
        return np.zeros(len(eligible), dtype=bool)
    p = min(1.0, rate * len(eligible) / n_eligible)
    return eligible & (rng.random(len(eligible)) < p)
