"""The report's maps: hexagon bins of marts.map_hex_households drawn with Vega-Lite on a plain longitude/latitude
projection (no tile server, no topojson to fetch), coloured by the households of deciles 1-4 that receive no
programme; on a regency's map, its villages as dots at their official centroids (reference.ref_regions).

A hexagon whose households are withheld is left out (one whose no-programme count alone is withheld is grey), and
only hexagon centres are drawn, never a geotag."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import altair as alt

from sepakat_dagster.defs.reports import messages
from sepakat_dagster.defs.reports.charts import Spec, finish
from sepakat_dagster.defs.reports.settings import LANGUAGES, SUPPRESSED

HEXAGON = "M0,-1L0.866,-0.5L0.866,0.5L0,1L-0.866,0.5L-0.866,-0.5Z"  # pointy-top, corners on the unit circle
WIDTH = 720
MAX_HEIGHT = 620
COLOUR = "households_no_programme"
WITHHELD_COLOUR = "#c3ccd6"  # households shown, how many receive no programme withheld

def _frame(hexagons: Sequence[Mapping], size: float) -> tuple[list[float], list[float], float]:
    """Longitude and latitude domains one hexagon wider than the bins, and pixels per degree (the same on both
    axes, so that a hexagon stays a hexagon), fitting WIDTH x MAX_HEIGHT."""
    lons = [row["longitude"] for row in hexagons]
    lats = [row["latitude"] for row in hexagons]
    lon = [min(lons) - 2 * size, max(lons) + 2 * size]
    lat = [min(lats) - 2 * size, max(lats) + 2 * size]
    scale = min(WIDTH / (lon[1] - lon[0]), MAX_HEIGHT / (lat[1] - lat[0]))
    return lon, lat, scale

def hex_map(rows: Iterable[Mapping], title: str, villages: Iterable[Mapping] = ()) -> dict[str, Spec] | None:
    """One map per language of the hexagons in `rows` (map_hex_households rows of one map), or None when every
    hexagon is withheld. A hexagon whose households are shown but whose no-programme count is withheld is drawn in
    grey. `villages`: {name, longitude, latitude} dots drawn over the hexagons."""
    hexagons = [dict(row, share_no_programme=round(100.0 * row[COLOUR] / row["households"], 1)
                     if row[COLOUR] is not None and row["households"] else None)
                for row in rows if row.get("households") is not None]
    if not hexagons:
        return None
    size = float(hexagons[0]["hex_size"])
    lon, lat, scale = _frame(hexagons, size)
    width, height = round(scale * (lon[1] - lon[0])), round(scale * (lat[1] - lat[0]))
    symbol = (2 * size * scale) ** 2  # a custom shape fills a [-1, 1] square of this area
    coloured = [row for row in hexagons if row[COLOUR] is not None]
    withheld = [dict(row, withheld=SUPPRESSED) for row in hexagons if row[COLOUR] is None]
    dots = [dict(village) for village in villages if village.get("longitude") is not None
            and lon[0] <= village["longitude"] <= lon[1] and lat[0] <= village["latitude"] <= lat[1]]
    x = alt.X("longitude:Q", scale=alt.Scale(domain=lon, zero=False, nice=False), axis=None)
    y = alt.Y("latitude:Q", scale=alt.Scale(domain=lat, zero=False, nice=False), axis=None)
    specs = {}
    for language in LANGUAGES:
        def label(key: str, language: str = language) -> str:
            return messages.text(key, language)
        households = alt.Tooltip("households:Q", title=label("measure.households_deciles_1_4"), format=",d")
        shown = [alt.Tooltip(f"{COLOUR}:Q", title=label("measure.households_no_programme"), format=",d"), households,
                 alt.Tooltip("share_no_programme:Q", title=label("measure.share_no_programme"), format=",.1f")]
        hidden = [alt.Tooltip("withheld:N", title=label("measure.households_no_programme")), households]
        layers = [alt.Chart(alt.Data(values=data)).mark_point(
                      shape=HEXAGON, filled=True, size=symbol, opacity=0.9, stroke="#ffffff", strokeWidth=0.4,
                  ).encode(x=x, y=y, tooltip=tooltip, color=color)
                  for data, color, tooltip in (
                      (withheld, alt.value(WITHHELD_COLOUR), hidden),
                      (coloured, alt.Color(f"{COLOUR}:Q", title=label("map.legend"),
                                           scale=alt.Scale(scheme="orangered")), shown))
                  if data]
        if dots:
            layers.append(alt.Chart(alt.Data(values=dots)).mark_circle(size=9, color="#1d2733", opacity=0.6)
                          .encode(x=x, y=y, tooltip=[alt.Tooltip("name:N", title=label("map.village"))]))
        chart = alt.layer(*layers).properties(width=width, height=height, title=label(title)) \
            .configure_view(stroke="#d5dde6")
        specs[language] = finish(chart)
    return specs


def hexagon_count(spec: Spec) -> int:
    """The hexagons a map's spec draws (for tests)."""
    return sum(len(layer["data"]["values"]) for layer in spec["layer"] if layer["mark"].get("shape") == HEXAGON)
