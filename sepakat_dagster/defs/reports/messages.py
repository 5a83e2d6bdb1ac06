"""The report's message catalogue (messages.yml): every label, heading, sentence, column and mart title, in every
language of settings.LANGUAGES. Templates and chart builders ask it by key; a missing key or language is an error
(and a unit test finds one before a report is written)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import yaml

from sepakat_dagster.defs.reports.settings import LANGUAGES, NUMBER_FORMAT

CATALOGUE = Path(__file__).with_name("messages.yml")


class MessageError(KeyError):
    """A key the catalogue lacks, or a message without one of the report's languages."""


@functools.cache
def catalogue(path: Path = CATALOGUE) -> Mapping[str, Mapping[str, str]]:
    """key -> {language: text}, as the yml holds it (read once per process)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def incomplete_keys(messages: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
    """The keys that lack a text in one of the report's languages."""
    messages = catalogue() if messages is None else messages
    return sorted(key for key, texts in messages.items()
                  if not isinstance(texts, Mapping) or any(not texts.get(lang) for lang in LANGUAGES))


def has(key: str) -> bool:
    return key in catalogue()


def text(key: str, language: str, **values: object) -> str:
    """The message in `language`, its {placeholders} filled with `values` (numbers in the language's format)."""
    try:
        template = catalogue()[key][language]
    except KeyError as error:
        raise MessageError(f"message {key!r} has no text in {language!r}") from error
    return template.format(**{name: number(value, language) for name, value in values.items()})


def texts(key: str, **values: object) -> dict[str, str]:
    """The message in every language."""
    return {language: text(key, language, **values) for language in LANGUAGES}


def number(value: object, language: str, decimals: int = 2) -> str:
    """A number as the language writes it (1.234,5 in Bahasa Indonesia, 1,234.5 in English); anything else as is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    formatted = f"{value:,.{decimals}f}" if isinstance(value, float) else f"{value:,}"
    marks = NUMBER_FORMAT[language]
    return formatted.translate(str.maketrans({",": marks["thousands"], ".": marks["decimal"]}))
