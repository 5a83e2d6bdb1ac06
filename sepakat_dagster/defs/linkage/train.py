"""Train the person model on prepared records (unsupervised) and save it with its charts.

Training is on demand (the `train_person_model` job); the nightly refresh only loads the saved model.
Steps, all seeded: the prior from near-certain rules, u probabilities from random pairs, m probabilities from
expectation maximisation in sessions that each block on different fields, then a floor on m (see M_FLOOR).
"""

from __future__ import annotations

import copy
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker, SettingsCreator

from sepakat_dagster.defs.linkage import settings as model_settings
from sepakat_dagster.defs.linkage.charts import write_charts_page
from sepakat_dagster.defs.linkage.model import ModelCard, charts_path, save_model
from sepakat_dagster.defs.linkage.records import RECORDS, scalar

# Charts that describe the model only: no chart that lists values from the data (the term-frequency chart
# would show the commonest names).
MODEL_CHARTS = ("match_weights_chart", "m_u_parameters_chart")
TRAINING_CHARTS = ("parameter_estimate_comparisons_chart",)


@dataclass(frozen=True)
class TrainingResult:
    card: ModelCard
    model_path: Path
    charts: Path


def fit(con: duckdb.DuckDBPyConnection, settings: SettingsCreator | None = None, *, table: str = RECORDS,
        prior_rules: tuple[str, ...] = model_settings.PRIOR_RULES, prior_recall: float = model_settings.PRIOR_RECALL,
        em_rules: tuple = model_settings.EM_BLOCKING_RULES, u_max_pairs: float = model_settings.U_MAX_PAIRS,
        seed: int = model_settings.TRAINING_SEED, prior_fallback: float | None = None, prior_from_em: bool = False,
        log_level: int = logging.WARNING) -> Linker:
    """A trained Linker over `table` in `con` (Splink's own in-memory connection).

    For inputs nobody has looked at (`sepakat link`), where no recall of the prior rules is known:
    - `prior_fallback`: when the prior rules match nothing (a small or messy file) or more pairs than their
      recall allows (a file full of duplicates), the prior falls back to this value instead of failing;
    - `prior_from_em`: the prior the rules gave is only where expectation maximisation starts; each session's
      estimate of the share of matches among its pairs, adjusted back for what the session blocked on, replaces
      it. The province's training uses neither: its rules and their recall are measured against its ground truth.
    """
    records = DuckDBAPI(con).register(table)
    linker = Linker(records, settings or model_settings.settings_creator(), log_level=log_level)
    try:
        linker.training.estimate_probability_two_random_records_match(list(prior_rules), recall=prior_recall)
        estimated = _prior(linker) > 0
    except ValueError:  # the rules matched more pairs than their recall allows
        if prior_fallback is None:
            raise
        estimated = False
    if not estimated and prior_fallback is not None:
        linker = _with_prior(linker, records, prior_fallback, log_level)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    start = _prior(linker) if prior_from_em else None
    for i, rule in enumerate(em_rules, start=1):
        # Without term frequencies the sessions are much faster; the adjustments still apply when scoring.
        # The prior from the sessions is the median over all of them, so it is taken once, after the last.
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True,
            populate_probability_two_random_records_match_from_trained_values=prior_from_em and i == len(em_rules))
    if prior_from_em and not 0 < _prior(linker) < 1:
        # A session whose pairs were all matches cannot be adjusted back: the prior EM started from stays.
        linker = _with_prior(linker, records, start, log_level)
    return linker


def _prior(linker: Linker) -> float:
    return linker.misc.save_model_to_json()["probability_two_random_records_match"]


def _with_prior(linker: Linker, records: Any, prior: float, log_level: int) -> Linker:
    """A Linker over `records` with `linker`'s model and another prior (Splink has no public setter)."""
    model = linker.misc.save_model_to_json()
    model["probability_two_random_records_match"] = prior
    return Linker(records, model, log_level=log_level)


def floor_m_probabilities(settings: dict[str, Any], floor: float = model_settings.M_FLOOR,
                          u_max_pairs: float = model_settings.U_MAX_PAIRS) -> dict[str, Any]:
    """Raise every non-null level's m probability to at least `floor`, then rescale each comparison to sum 1.

    A level never seen among the random pairs has no u: it gets 1 / u_max_pairs, the most it can be given that
    it was not seen (Splink would otherwise fall back to a default that means nothing here).
    """
    settings = copy.deepcopy(settings)
    for comparison in settings["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for key, minimum in (("m_probability", floor), ("u_probability", 1.0 / u_max_pairs)):
            if key == "u_probability":
                for level in levels:
                    level[key] = level.get(key) or minimum
            else:
                for level in levels:
                    level[key] = max(level.get(key) or 0.0, minimum)
            total = sum(level[key] for level in levels)
            for level in levels:
                level[key] /= total
    return settings


def match_weights(settings: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Match weight (log2 m/u) of every level: what the model learnt, in a form a card and a test can read."""
    weights: dict[str, dict[str, float]] = {}
    for comparison in settings["comparisons"]:
        levels = {}
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if m and u:
                levels[level.get("label_for_charts") or level["sql_condition"]] = round(math.log2(m / u), 2)
        weights[comparison["output_column_name"]] = levels
    return weights


def save(linker: Linker, con: duckdb.DuckDBPyConnection, path: Path, training_records: int,
         trained_on: dict[str, Any], *, table: str = RECORDS,
         u_max_pairs: float = model_settings.U_MAX_PAIRS) -> TrainingResult:
    """Write model.json (m floored), its card and its charts (one HTML page next to the model).

    `linker` was trained over `table` in `con`; the charts of the saved model are drawn over the same records.
    """
    settings = floor_m_probabilities(linker.misc.save_model_to_json(), u_max_pairs=u_max_pairs)
    card = save_model(settings, path, training_records, trained_on, {"match_weights": match_weights(settings)})
    # The model's charts come from a linker holding exactly what was saved; the estimates per EM session only
    # exist on the training linker.
    saved = Linker(DuckDBAPI(con).register(table), settings, log_level=logging.WARNING)
    charts = [(saved, name) for name in MODEL_CHARTS] + [(linker, name) for name in TRAINING_CHARTS]
    specs = {name.removesuffix("_chart"): getattr(source.visualisations, name)().chart_dict for source, name in charts}
    page = write_charts_page(charts_path(path), f"{card.label}: what the model learnt", specs)
    return TrainingResult(card=card, model_path=path, charts=page)


def train(con: duckdb.DuckDBPyConnection, path: Path, trained_on: dict[str, Any],
          u_max_pairs: float = model_settings.U_MAX_PAIRS) -> TrainingResult:
    """Train on the prepared records in `con` and save the model at `path` (the version goes up by one)."""
    records = scalar(con, f"select count(*) from {RECORDS}")
    return save(fit(con, u_max_pairs=u_max_pairs), con, path, records, trained_on, u_max_pairs=u_max_pairs)
