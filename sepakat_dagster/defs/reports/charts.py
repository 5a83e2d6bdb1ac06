"""The report's charts as Vega-Lite specs built with Altair, one per language (titles and axes from the message
catalogue); the page draws them with the embedded vega-embed, as SVG, values on hover (a tooltip on every mark).

A chart receives the rows of a publishable mart as suppressed in SQL: a row whose value is withheld (NULL) is left
out, never drawn as zero. The data are small aggregates (a row per programme, regency or SPM category)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import altair as alt

from sepakat_dagster.defs.reports import messages
from sepakat_dagster.defs.reports.settings import LANGUAGES

Spec = dict
WIDTH = 640
BAR_COLOUR = "#2f6f9f"
NEGATIVE_COLOUR = "#b5533c"


def finish(chart: alt.TopLevelMixin) -> Spec:
    """The Vega-Lite dict of `chart`, without the $schema address (the page names the mode; nothing is fetched)."""
    spec = chart.to_dict()
    spec.pop("$schema", None)
    return spec


def _shown(rows: Iterable[Mapping], *keys: str) -> list[dict]:
    """The rows whose `keys` all hold a value: a suppressed cell is left out."""
    return [dict(row) for row in rows if all(row.get(key) is not None for key in keys)]


def bars(rows: Iterable[Mapping], label: str, value: str, title: str, axis: str, label_axis: str,
         value_format: str = ",.4~f", sort: str | None = "-x") -> dict[str, Spec] | None:
    """Horizontal bars of `value` per `label` (negative bars from the zero line, in another colour); None when every
    value is suppressed. `title`, `axis` and `label_axis` are catalogue keys; `sort` None keeps the rows' order."""
    data = _shown(rows, label, value)
    if not data:
        return None
    specs = {}
    for language in LANGUAGES:
        value_title, label_title = messages.text(axis, language), messages.text(label_axis, language)
        chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
            y=alt.Y(f"{label}:N", sort=sort, title=None, axis=alt.Axis(labelLimit=260)),  # named in the tooltip
            x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.condition(f"datum['{value}'] < 0", alt.value(NEGATIVE_COLOUR), alt.value(BAR_COLOUR)),
            tooltip=[alt.Tooltip(f"{label}:N", title=label_title),
                     alt.Tooltip(f"{value}:Q", title=value_title, format=value_format)],
        ).properties(width=WIDTH - 280, height=alt.Step(20), title=messages.text(title, language))
        specs[language] = finish(chart)
    return specs


def grouped_bars(rows: Iterable[Mapping], label: str, measures: Sequence[str], title: str, axis: str,
                 label_axis: str, value_format: str = ",.4~f") -> dict[str, Spec] | None:
    """Bars of several `measures` (catalogue key `measure.<column>` names each) side by side per `label`; a
    withheld measure is left out."""
    base = list(rows)
    specs = {}
    for language in LANGUAGES:
        names = {measure: messages.text(f"measure.{measure}", language) for measure in measures}
        data = [{"label": row[label], "measure": names[measure], "value": row[measure]}
                for row in base for measure in measures if row.get(measure) is not None and row.get(label)]
        if not data:
            return None
        value_title, label_title = messages.text(axis, language), messages.text(label_axis, language)
        measure_title = messages.text("chart.measure", language)
        chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
            y=alt.Y("label:N", title=label_title, axis=alt.Axis(labelLimit=200)),
            yOffset=alt.YOffset("measure:N", sort=list(names.values())),
            x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.Color("measure:N", title=measure_title, sort=list(names.values()),
                            scale=alt.Scale(range=[BAR_COLOUR, NEGATIVE_COLOUR, "#7a9a3a", "#8c6bb1"])),
            tooltip=[alt.Tooltip("label:N", title=label_title), alt.Tooltip("measure:N", title=measure_title),
                     alt.Tooltip("value:Q", title=value_title, format=value_format)],
        ).properties(width=WIDTH - 180, height=alt.Step(14), title=messages.text(title, language))
        specs[language] = finish(chart)
    return specs
