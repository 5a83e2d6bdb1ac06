"""One disclosure rule (docs/marts.md, "Disclosure"): the tables dbt declares publishable are the only ones that
leave the warehouse, and none of them shows a count below the threshold or lets a suppressed cell be recovered from
a total by subtraction: in the warehouse the session's province built, in the forum report, in Dagster's previews
and in what the great-expectations Data Docs may show."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from sepakat_dagster.defs.marts.disclosure import (
    DisclosureDeclarationError,
    PublishableTable,
    Total,
    is_publishable,
    publishable_tables,
    violations,
)
from sepakat_dagster.defs.reports.report import SUPPRESSED, render_report
from sepakat_dagster.paths import REPO_ROOT
from tests.defs.marts.helpers import MIN_CELL_COUNT, Pipeline

PUBLISHABLE = {"spm_indicators_published", "rad_pd_disability_by_sex", "hazard_households_by_decile",
               # the analyses (docs/analyses/)
               "rad_pd_disability_by_domain", "rad_pd_disability_coverage", "housing_rtlh_by_rule_set",
               "housing_services_by_decile", "out_of_school_children", "health_insurance_coverage",
               "hazard_zone_households", "slum_households_by_decile", "coastal_flood_households_by_decile",
               "disaster_events_by_regency",
               "spm_planning_targets",
               "poverty_by_regency", "employment_by_decile", "employment_by_regency", "gender_gaps_by_regency",
               "welfare_distribution_by_decile_published", "welfare_distribution_by_percentile_published",
               "welfare_distribution_by_ranking_published",
               # the forum report's first screen and maps
               "forum_programme_figures", "registry_gap_by_regency", "map_hex_households",
               # the answers to village proposals (docs/villages.md)
               "village_proposal_counts", "village_data_update_scorecard", "regency_data_update_scorecard"}
# One row per village or regency and no total row: nothing a withheld count could be recovered from by subtraction.
SINGLE_LEVEL = {"village_proposal_counts", "village_data_update_scorecard", "regency_data_update_scorecard"}
# Internal on purpose (docs/marts.md): unsuppressed counts to district level, rupiah that are counts times a known
# unit cost, persons' rows.
INTERNAL = {"targeting_errors", "registry_coverage", "budget_reallocation", "spm_indicators",
            "person_registry_presence", "targeting_list", "welfare_distribution_by_decile",
            "welfare_distribution_by_percentile", "welfare_distribution_by_ranking", "welfare_ranking_agreement"}
# Expectations whose observed value is a statistic of the column's values (a min, a mean, a value set, ...): in the
# Data Docs they would show a figure of the table; the others report row counts and counts of unexpected rows.
VALUE_STATISTICS = re.compile(r"expect_column_(min|max|mean|median|sum|stdev|quantile|most_common|distinct|unique_value"
                              r"|proportion_of_unique|kl_divergence)")


def test_the_declaration_decides_what_is_publishable():
    tables = {table.name: table for table in publishable_tables()}
    assert set(tables) == PUBLISHABLE and not INTERNAL & set(tables)
    assert {table.min_cell for table in tables.values()} == {MIN_CELL_COUNT}  # the var, once
    assert all(table.relation == f"marts.{name}" and table.count_columns for name, table in tables.items())
    # Every publishable table with regions declares its region identity, so secondary suppression covers it.
    assert all(any("province" in total.total for total in table.totals)
               for name, table in tables.items() if name not in SINGLE_LEVEL)
    assert all(not tables[name].totals and tables[name].suppression == "row" for name in SINGLE_LEVEL)
    # The dbt tag and the declaration are one fact: a model with one and not the other is refused.
    with pytest.raises(DisclosureDeclarationError, match="tag 'published'"):
        is_publishable({"name": "m", "tags": ["published"], "config": {"meta": {}}})
    with pytest.raises(DisclosureDeclarationError, match="tag 'published'"):
        is_publishable({"name": "m", "tags": [], "config": {"meta": {"disclosure": {"publishable": True}}}})


def _toy(rows: list[tuple]) -> tuple[duckdb.DuckDBPyConnection, PublishableTable]:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.toy (region_level varchar, province_code varchar, cell varchar, persons bigint)")
    con.executemany("insert into marts.toy values (?, ?, ?, ?)", rows)
    table = PublishableTable(
        name="toy", relation="marts.toy", min_cell=10, suppression="cell", count_columns=("persons",),
        totals=(Total("regions", "region_level in ('province', 'regency')", ("province_code", "cell"),
                      "region_level = 'province'"),))
    return con, table


def test_the_scan_finds_small_counts_and_cells_a_total_gives_away():
    con, table = _toy([("province", "53", "a", 40), ("regency", "53", "a", 35), ("regency", "53", "a", 5)])
    assert any("show persons from 1 to 9" in v for v in violations(con, table))
    # 5 withheld alone: 40 - 35 gives it back.
    con, table = _toy([("province", "53", "a", 40), ("regency", "53", "a", 35), ("regency", "53", "a", None)])
    assert any("withhold one persons only" in v for v in violations(con, table))
    # Two withheld that add up to 8 (40 - 32): a small count, of two regencies together.
    con, table = _toy([("province", "53", "a", 40), ("regency", "53", "a", 32), ("regency", "53", "a", None),
                       ("regency", "53", "a", None)])
    assert any("adding up" in v for v in violations(con, table))
    # 5 withheld with a complement of 12: nothing below 10 can be learnt.
    con, table = _toy([("province", "53", "a", 57), ("regency", "53", "a", 40), ("regency", "53", "a", None),
                       ("regency", "53", "a", None)])
    assert violations(con, table) == []


def test_every_publishable_table_passes_the_scan(pipeline: Pipeline):
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        for table in publishable_tables():
            assert violations(con, table) == [], table.name
            # Not vacuous: the session's small province has cells to suppress and cells to show in every table.
            withheld = "suppressed" if table.suppression == "row" else " or ".join(
                f"{c} is null" for c in table.count_columns)
            shown, hidden = con.execute(f"select count(*) filter (where not ({withheld})), "
                                        f"count(*) filter (where {withheld}) from {table.relation}").fetchone()
            assert shown > 0 and hidden > 0, table.name
        # Secondary suppression was needed, and happened, on this province.
        assert con.execute("select count(*) from marts.spm_indicators_published "
                           "where suppression_reason = 'complementary'").fetchone()[0] > 0


class _Tables(HTMLParser):
    """The report's sections: <h2> title -> [headers, rows] of the tables under it, and the first <code> of each
    section (a mart section names its relation there)."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, list] = {}
        self.codes: dict[str, str] = {}
        self._title, self._text, self._row, self._in = None, "", None, None
        self._code = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "th", "td"):
            self._in, self._text = tag, ""
        elif tag == "tr":
            self._row = []
        elif tag == "code" and self._title is not None and self._title not in self.codes:
            self._code = ""

    def handle_endtag(self, tag):
        if tag == "code" and self._code is not None:
            self.codes[self._title], self._code = self._code, None
        elif tag == "h2":
            self._title = self._text
            self.sections[self._title] = []
        elif tag in ("th", "td") and self._row is not None:
            self._row.append(html.unescape(self._text))
        elif tag == "tr" and self._row is not None and self._title is not None:
            self.sections[self._title].append(self._row)
            self._row = None
        self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data
        if self._code is not None:
            self._code += data


def test_the_forum_report_shows_publishable_tables_only_and_no_small_cell(pipeline: Pipeline):
    document = render_report(pipeline.warehouse)
    for name in INTERNAL:
        assert f"marts.{name}<" not in document and f"marts.{name} " not in document, name
    parser = _Tables()
    parser.feed(document)
    tables = {table.relation: table for table in publishable_tables()}
    checked = set()
    for title, rows in parser.sections.items():
        if not rows:
            continue
        headers, body = rows[0], rows[1:]
        table = tables.get(parser.codes.get(title, ""))  # several tables share their count columns
        if table is None:
            continue
        checked.add(table.relation)
        position = {column: headers.index(column) for column in headers}
        for row in body:
            values = {}
            for column in table.count_columns:
                cell = row[position[column]]
                if cell == SUPPRESSED:
                    continue
                values[column] = int(re.sub(r"[,\u202f]", "", cell))
                assert not 1 <= values[column] < table.min_cell, (table.name, column, row)
            for part, whole in table.complements.items():
                if part in values and whole in values:
                    assert not 1 <= values[whole] - values[part] < table.min_cell, (table.name, part, row)
    assert checked == set(tables)  # every publishable table has its section, and the scan read it


def test_dagster_previews_show_internal_tables_by_row_count_only(pipeline: Pipeline):
    previews = {e.asset_key.path[-1]: e.materialization.metadata["preview"].value
                for e in pipeline.result.get_asset_materialization_events()
                if e.asset_key.path[0] in ("marts", "intermediate", "staging")}
    assert set(previews) >= PUBLISHABLE | INTERNAL
    for name, preview in previews.items():
        if name in PUBLISHABLE:
            assert preview.startswith("|"), name  # the table, as suppressed in SQL
        else:
            assert preview.startswith("Internal table") and "|" not in preview, name


def test_data_docs_show_no_figure_of_a_mart():
    """The mart suites' results reach the great-expectations Data Docs: only row counts and counts of unexpected
    rows (the gates keep no unexpected values), never a statistic of an internal table's values."""
    suites = [json.loads(path.read_text(encoding="utf-8")) for path in (REPO_ROOT / "expectations").glob("*.json")]
    marts = [suite for suite in suites if suite["meta"]["sepakat"]["stage"] == "marts"]
    assert {suite["meta"]["sepakat"]["asset"][-1] for suite in marts} >= {"targeting_errors", "budget_reallocation"}
    statistics = [(suite["name"], e["type"]) for suite in marts for e in suite["expectations"]
                  if VALUE_STATISTICS.match(e["type"])]
    assert statistics == []


def test_the_report_module_names_no_internal_mart():
    source = Path(render_report.__code__.co_filename).read_text(encoding="utf-8")
    assert not [name for name in INTERNAL if re.search(rf"marts\.{name}\b|\"{name}\"", source)]
