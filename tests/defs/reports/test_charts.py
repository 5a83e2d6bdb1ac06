"""The report's charts and maps: Vega-Lite specs in both languages, a tooltip on every mark, and a suppressed
(NULL) cell never drawn."""

import json

from sepakat_dagster.defs.reports import charts, maps
from sepakat_dagster.defs.reports.settings import LANGUAGES


def _marks(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_bars_leave_out_suppressed_cells_and_show_values_on_hover():
    rows = [{"regency": "Kupang", "share": 1.5}, {"regency": None, "share": -2.0}, {"regency": "Alor", "share": None}]
    specs = charts.bars(rows, "regency", "share", "chart.quarantine", "chart.percent", "col.regency")
    assert set(specs) == set(LANGUAGES)
    assert specs["id"]["title"] != specs["en"]["title"]
    for spec in specs.values():
        assert spec["data"]["values"] == [{"regency": "Kupang", "share": 1.5}]
        assert {t["field"] for t in spec["encoding"]["tooltip"]} == {"regency", "share"}
        assert "$schema" not in spec
    assert charts.bars([{"regency": "Alor", "share": None}], "regency", "share", "chart.quarantine",
                       "chart.percent", "col.regency") is None


def test_grouped_bars_leave_out_a_withheld_measure():
    rows = [{"program_label": "PKH", "exclusion_error_units": 120, "inclusion_error_units": None}]
    specs = charts.grouped_bars(rows, "program_label", ["exclusion_error_units", "inclusion_error_units"],
                                "chart.programme_errors", "chart.units", "col.programme")
    assert [row["value"] for row in specs["en"]["data"]["values"]] == [120]
    assert specs["en"]["encoding"]["tooltip"]


def test_a_hex_map_draws_shown_hexagons_only_with_their_figures_on_hover():
    rows = [
        {"longitude": 123.0, "latitude": -10.0, "hex_size": 0.1, "households": 40, "households_no_programme": 12},
        {"longitude": 123.2, "latitude": -10.0, "hex_size": 0.1, "households": 25, "households_no_programme": None},
        {"longitude": 123.1, "latitude": -9.8, "hex_size": 0.1, "households": None, "households_no_programme": None},
    ]
    specs = maps.hex_map(rows, "map.title", villages=[{"name": "Desa A", "longitude": 123.05, "latitude": -9.95}])
    for spec in specs.values():
        withheld, coloured, villages = _marks(spec)
        assert maps.hexagon_count(spec) == 2  # the third hexagon's households are withheld: not drawn
        assert withheld["data"]["values"][0]["households"] == 25 and withheld["encoding"]["color"]["value"]
        assert coloured["data"]["values"][0]["share_no_programme"] == 30.0
        assert coloured["mark"]["shape"] == maps.HEXAGON and coloured["encoding"]["tooltip"]
        assert villages["encoding"]["tooltip"] and villages["data"]["values"][0]["name"] == "Desa A"
        assert "url" not in json.dumps(spec)  # no topojson or tiles to fetch
    assert maps.hex_map(rows[2:], "map.title") is None
