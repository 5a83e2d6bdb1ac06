"""The report's HTML from Jinja2 templates (templates/), autoescaped: one document holding both languages, every
text node twice (`<span lang="id">`, `<span lang="en">`; the stylesheet shows those of `<html lang>`, the switch
button flips it), and the charts' Vega-Lite specs as JSON drawn by the Vega bundle vl-convert ships, inlined once,
so the file opens offline and requests nothing."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping

import jinja2
import vl_convert
from markupsafe import Markup, escape

from sepakat_dagster.defs.reports import messages
from sepakat_dagster.defs.reports.settings import LANGUAGES, NUMBER_FORMAT, SUPPRESSED

TEMPLATES = "templates"
DOCUMENT = "base.html.j2"


@functools.cache
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one classic script (window.vegaEmbed); a `</script` inside it would end
    the element early, so it is escaped (the bundle holds none today)."""
    return re.sub(r"</(script)", r"<\\/\1", vl_convert.javascript_bundle(), flags=re.IGNORECASE)


def _spans(texts: Mapping[str, str]) -> Markup:
    return Markup("").join(Markup('<span lang="{}">{}</span>').format(language, texts[language])
                           for language in LANGUAGES)


def t(key: str, **values: object) -> Markup:
    """The message in every language, each in its span."""
    return _spans(messages.texts(key, **values))


def num(value: object, decimals: int = 1) -> Markup:
    """A figure as each language writes it; a withheld (or unknown) one as the dash."""
    if value is None:
        return Markup(SUPPRESSED)
    if isinstance(value, float):
        value = round(value, decimals)
        return _spans({language: messages.number(value, language, decimals) for language in LANGUAGES})
    return _spans({language: messages.number(value, language) for language in LANGUAGES})


def rupiah(value: object) -> Markup:
    """Rupiah in billions (miliar / billion), as each language writes it; a withheld amount as the dash."""
    if value is None:
        return Markup(SUPPRESSED)
    billions = round(float(value) / 1e9, 2)
    return (Markup("\u2212") if billions < 0 else Markup("")) + t("unit.rupiah_billion", amount=abs(billions))


def cell(value: object, text: bool = False) -> Markup:
    """A table cell: a count with narrow no-break spaces between thousands (read alike in both languages), a
    decimal as each language writes it, yes/no in words, text as is; a withheld value as the dash."""
    if isinstance(value, bool):
        return Markup("<td>{}</td>").format(t("common.yes" if value else "common.no"))
    if text or value is None or not isinstance(value, int | float):
        shown = SUPPRESSED if value is None and not text else ("" if value is None else value)
        return Markup("<td>{}</td>").format(shown)
    if isinstance(value, int):
        return Markup('<td class="num">{}</td>').format(f"{value:,}".replace(",", "\u202f"))
    return Markup('<td class="num">{}</td>').format(num(value, decimals=4))


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sepakat_dagster.defs.reports", TEMPLATES),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.globals.update(t=t, num=num, rupiah=rupiah, cell=cell)
    return env


def render(context: Mapping[str, object], specs: Mapping[str, Mapping[str, dict]]) -> str:
    """The document: `context` for the templates, `specs` {name: {language: Vega-Lite spec}} for its charts and
    maps (an element `data-chart` / `data-map` each, drawn by the page's script)."""
    language = str(context["language"])

    def placeholder(attribute: str, name: str) -> Markup:
        return Markup('<div {}="{}"></div>').format(attribute, name) if specs.get(name) else Markup("")

    def mart_title(name: str) -> Markup:
        key = f"mart.{name}"
        return t(key) if messages.has(key) else Markup(escape(name))

    charts_json = json.dumps({
        "specs": specs,
        "locales": {lang: {**NUMBER_FORMAT[lang], "grouping": [3], "currency": ["Rp", ""]} for lang in LANGUAGES},
    }, separators=(",", ":"), default=str).replace("</", "<\\/")
    return environment().get_template(DOCUMENT).render(
        **context,
        plain=lambda key, **values: messages.text(key, language, **values),
        chart=lambda name: placeholder("data-chart", name),
        map=lambda name: placeholder("data-map", name),
        mart_title=mart_title,
        charts_present={name: bool(spec) for name, spec in specs.items()},
        charts_json=Markup(charts_json),
        vega_bundle=Markup(vega_bundle()),
    )
