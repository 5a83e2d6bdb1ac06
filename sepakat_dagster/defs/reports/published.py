"""The generic sections: every mart dbt declares publishable, as it is (small cells already suppressed in SQL), its
first rows in the order of its columns, titled from the message catalogue (`mart.<name>`, else the table's name).
A mart another change adds shows up here without code; internal marts never do."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from sepakat_dagster.defs.marts.disclosure import PublishableTable, publishable_tables
from sepakat_dagster.defs.reports import messages
from sepakat_dagster.defs.reports.figures import Scope
from sepakat_dagster.defs.reports.settings import MART_ROWS_SHOWN, SUPPRESSED
from sepakat_dagster.warehouse import has_table

# The order of the publishable marts in the report: the analyses of docs/analyses/ one after another, then the
# forum's own tables; a mart not listed comes last, by name.
ORDER = (
    "forum_programme_figures", "registry_gap_by_regency", "map_hex_households",
    "welfare_distribution_by_decile_published", "welfare_distribution_by_percentile_published",
    "welfare_distribution_by_ranking_published",
    "poverty_by_regency", "employment_by_regency", "employment_by_decile", "gender_gaps_by_regency",
    "out_of_school_children", "health_insurance_coverage", "rad_pd_disability_by_sex", "rad_pd_disability_by_domain",
    "rad_pd_disability_coverage", "housing_rtlh_by_rule_set", "housing_services_by_decile",
    "hazard_households_by_decile", "hazard_zone_households", "coastal_flood_households_by_decile",
    "slum_households_by_decile", "disaster_events_by_regency",
    "spm_indicators_published", "spm_planning_targets",
)


@dataclass(frozen=True)
class MartTable:
    """One publishable mart's section: its title key, relation, columns and first rows (withheld cells as a dash)."""

    name: str
    title_key: str | None
    relation: str
    headers: list[str]
    rows: list[list[object]]
    total: int
    min_cell: int


def ordered_tables() -> list[PublishableTable]:
    return sorted(publishable_tables(), key=lambda t: (ORDER.index(t.name) if t.name in ORDER else len(ORDER), t.name))


def mart_table(con: duckdb.DuckDBPyConnection, table: PublishableTable, scope: Scope) -> MartTable | None:
    """The mart's section in `scope`: a regency's file shows the rows of that regency only, and leaves out a mart
    without a regency column. The same data give the same report: rows in the order of the columns."""
    columns = [row[0] for row in con.execute(f"describe {table.relation}").fetchall()]
    where, parameters = "true", []
    if scope.regency is not None:
        if "regency_code" not in columns:
            return None
        where, parameters = "regency_code = ?", [scope.regency]
    relation = con.execute(f"select * from {table.relation} where {where} order by all limit {MART_ROWS_SHOWN}",
                           parameters)
    headers = [d[0] for d in relation.description]
    withheld = {i for i, header in enumerate(headers) if header in table.withheld_columns}
    rows = [[SUPPRESSED if value is None and i in withheld else value for i, value in enumerate(row)]
            for row in relation.fetchall()]
    total = con.execute(f"select count(*) from {table.relation} where {where}", parameters).fetchone()[0]
    key = f"mart.{table.name}"
    return MartTable(table.name, key if messages.has(key) else None, table.relation, headers, rows, total,
                     table.min_cell)


def mart_tables(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[MartTable]:
    """Every publishable mart this warehouse holds, in the report's order."""
    tables = [mart_table(con, table, scope) for table in ordered_tables()
              if has_table(con, *table.relation.split("."))]
    return [table for table in tables if table is not None]
