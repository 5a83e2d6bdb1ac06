"""The report's message catalogue: every key in every language, and every key the templates and chart builders ask
for is in it."""

import re
from pathlib import Path

import pytest

from sepakat_dagster.defs.reports import messages
from sepakat_dagster.defs.reports.settings import LANGUAGES, UnknownLanguageError, initial_language

PACKAGE = Path(messages.__file__).parent
# t("key"), plain("key"), text("key", ...) and the catalogue keys the Python builders pass by name.
TEMPLATE_KEY = re.compile(r"""\b(?:t|plain)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
PYTHON_KEY = re.compile(r"""["']((?:chart|col|map|measure|first|report|unit)\.[a-z0-9_]+)["']""")


def _keys_used() -> set[str]:
    used = set()
    for template in (PACKAGE / "templates").glob("*.j2"):
        used |= set(TEMPLATE_KEY.findall(template.read_text(encoding="utf-8")))
        # Keys built in a loop: ("proposals." ~ key) over a literal tuple, and tuples of column keys.
        used |= set(re.findall(r"""["']((?:col|proposals)\.[a-z_]+)["']""", template.read_text(encoding="utf-8")))
    for module in PACKAGE.glob("*.py"):
        used |= set(PYTHON_KEY.findall(module.read_text(encoding="utf-8")))
    return used


def test_every_message_has_every_language():
    assert messages.incomplete_keys() == []
    assert messages.incomplete_keys({"a.b": {"id": "x"}, "a.c": {"id": "y", "en": ""}}) == ["a.b", "a.c"]


def test_every_key_the_report_asks_for_is_in_the_catalogue():
    used = _keys_used()
    assert {"report.title", "first.decide", "col.exclusion_errors", "chart.programme_errors"} <= used  # the scan works
    assert sorted(key for key in used if not messages.has(key)) == []
    assert {f"proposals.{key}" for key in ("proposals_received", "accepted", "rejected", "awaiting_verification")} \
        <= set(messages.catalogue())


def test_numbers_are_written_as_each_language_writes_them():
    assert messages.text("unit.rupiah_billion", "id", amount=1234.5) == "Rp1.234,50 miliar"
    assert messages.text("unit.rupiah_billion", "en", amount=1234.5) == "Rp1,234.50 billion"
    with pytest.raises(messages.MessageError):
        messages.text("no.such_key", "id")


def test_the_initial_language_is_bahasa_indonesia_unless_asked(monkeypatch):
    monkeypatch.delenv("SEPAKAT_REPORT_LANG", raising=False)
    assert initial_language() == LANGUAGES[0] == "id"
    monkeypatch.setenv("SEPAKAT_REPORT_LANG", "en")
    assert initial_language() == "en" and initial_language("id") == "id"
    with pytest.raises(UnknownLanguageError):
        initial_language("fr")
