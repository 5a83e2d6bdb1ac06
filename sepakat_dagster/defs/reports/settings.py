"""The forum report's settings, in one place: its languages, the environment variable that picks the initial one,
and how much of a long table it shows."""

from __future__ import annotations

import os

LANGUAGES = ("id", "en")
"""Every text of the report exists in these languages (messages.yml); the first is the default."""

LANGUAGE_ENV = "SEPAKAT_REPORT_LANG"
"""The language the report opens in when the asset writes it (`sepakat report --lang` overrides it)."""

CHANGES_SHOWN = 200
"""Moved cells listed in the appendix; `sepakat diff` lists them all."""

MART_ROWS_SHOWN = 40
"""First rows of each publishable mart shown; the full table stays in the warehouse and in `sepakat export`."""

SUPPRESSED = "\u2013"
"""How a withheld (suppressed) cell reads in the report."""

NUMBER_FORMAT = {"id": {"decimal": ",", "thousands": "."}, "en": {"decimal": ".", "thousands": ","}}
"""Digit grouping and decimal mark per language, in the report's text and in its charts (d3 format locale)."""


class UnknownLanguageError(ValueError):
    """A language the message catalogue does not hold."""


def initial_language(requested: str | None = None) -> str:
    """The language the report opens in: `requested`, else the environment's setting, else the default."""
    language = (requested or os.environ.get(LANGUAGE_ENV) or LANGUAGES[0]).strip().lower()
    if language not in LANGUAGES:
        raise UnknownLanguageError(f"report language {language!r} is not one of {', '.join(LANGUAGES)}")
    return language
