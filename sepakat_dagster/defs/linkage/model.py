"""The trained model on disk: Splink's model.json plus a card (version, what it was trained on, its checksum).

`models/person_model.json` is committed: the nightly refresh loads it and never retrains. Its card
`models/person_model.card.json` records the version (incremented by every training), the settings version it
was built under, the number of records it was trained on and the SHA-256 of the model file, which loading
verifies so that a model and a card from different trainings are never used together.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sepakat_dagster.defs.linkage.settings import MODEL_NAME, SETTINGS_VERSION

MODELS_DIR = Path(__file__).with_name("models")


def model_path(models_dir: Path | str = MODELS_DIR, name: str = MODEL_NAME) -> Path:
    return Path(models_dir) / f"{name}_model.json"


def card_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".json") + ".card.json")


def charts_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".json") + "_charts.html")


@dataclass(frozen=True)
class ModelCard:
    name: str
    version: int
    settings_version: int
    training_records: int
    probability_two_random_records_match: float
    sha256: str
    splink_version: str
    trained_on: dict[str, Any] = field(default_factory=dict)  # what data: e.g. generated persons and seed
    training_summary: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name}-v{self.version}"


@dataclass(frozen=True)
class LoadedModel:
    settings: dict[str, Any]
    card: ModelCard
    path: Path

    def settings_for(self, records: int) -> dict[str, Any]:
        """The settings with the prior rescaled to `records` input records.

        The probability that two random records match falls as 1/N (each person has a few records, the pairs
        grow as N²), so a model trained on N_train records predicts on N records with λ·N_train/N. This is
        arithmetic on a trained parameter, not training: nothing is estimated from the new records.
        """
        settings = json.loads(json.dumps(self.settings))
        if records > 1 and self.card.training_records > 1:
            rescaled = self.card.probability_two_random_records_match * (self.card.training_records - 1) / (
                records - 1)
            settings["probability_two_random_records_match"] = min(rescaled, 0.5)
        return settings


def _round(value: Any) -> Any:
    """Round floats to 8 significant digits: parallel sums differ in the last bits, the saved file should not."""
    if isinstance(value, float) and value and math.isfinite(value):
        return float(f"{value:.8g}")
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def save_model(settings: dict[str, Any], path: Path, training_records: int, trained_on: dict[str, Any],
               training_summary: dict[str, Any] | None = None) -> ModelCard:
    """Write model.json and its card; the version is one more than the card already at `path`, if any."""
    import splink

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = _round(dict(settings))
    settings["linker_uid"] = None  # a random id per training run would make every file differ
    text = json.dumps(settings, indent=2, sort_keys=False) + "\n"
    previous = card_path(path)
    version = json.loads(previous.read_text())["version"] + 1 if previous.exists() else 1
    card = ModelCard(
        name=MODEL_NAME,
        version=version,
        settings_version=SETTINGS_VERSION,
        training_records=training_records,
        probability_two_random_records_match=settings["probability_two_random_records_match"],
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        splink_version=splink.__version__,
        trained_on=trained_on,
        training_summary=_round(training_summary or {}),
    )
    path.write_text(text)
    card_path(path).write_text(json.dumps(asdict(card), indent=2) + "\n")
    return card


def load_model(path: Path | str | None = None) -> LoadedModel:
    """The model and its card; refuses a model whose checksum or settings version does not match."""
    path = Path(path) if path else model_path()
    if not path.exists():
        raise FileNotFoundError(f"no trained model at {path}: run the train_person_model job first")
    text = path.read_text()
    card = ModelCard(**json.loads(card_path(path).read_text()))
    if hashlib.sha256(text.encode()).hexdigest() != card.sha256:
        raise ValueError(f"{path} does not match its card {card_path(path).name}: retrain or restore both")
    if card.settings_version != SETTINGS_VERSION:
        raise ValueError(f"{path} was trained under settings version {card.settings_version}, "
                         f"the code is at {SETTINGS_VERSION}: retrain the model")
    return LoadedModel(settings=json.loads(text), card=card, path=path)
