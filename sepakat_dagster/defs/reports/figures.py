"""What the forum report shows, read from the warehouse: the first screen's figures, the maps' hexagons, the village
proposals block. Every figure comes from a publishable mart (suppressed in SQL) or from the audit tables' counts;
each query aggregates in DuckDB and returns a handful of rows.

A report covers a `Scope`: the province (the run's file and latest.html) or one regency (regencies/<code>.html),
whose file reads the same marts' rows of that regency only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import duckdb

from sepakat_dagster.defs.marts.disclosure import min_cell_count
from sepakat_dagster.defs.publish import history
from sepakat_dagster.warehouse import fetch_dicts, has_table


@dataclass(frozen=True)
class Scope:
    """The province (regency None) or one regency."""

    regency: str | None = None
    name: str = ""

    @property
    def level(self) -> str:
        return "regency" if self.regency else "province"

    def where(self, level_column: str = "region_level", code_column: str = "region_code") -> tuple[str, list]:
        """A filter on a region mart's rows of this scope's region."""
        if self.regency is None:
            return f"{level_column} = 'province'", []
        return f"{level_column} = 'regency' and {code_column} = ?", [self.regency]


def regencies(con: duckdb.DuckDBPyConnection) -> list[Scope]:
    """The regencies the published marts hold rows of, with their names: one report file each."""
    if not has_table(con, "marts", "forum_programme_figures"):
        return []
    rows = con.execute("""
        select distinct figures.regency_code, coalesce(regions.name, figures.regency_code)
        from marts.forum_programme_figures as figures
        left join reference.ref_regions as regions on regions.region_code = figures.regency_code
        where figures.region_level = 'regency' and figures.regency_code is not null
        order by 1
    """).fetchall()
    return [Scope(code, name) for code, name in rows]


def programmes(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict]:
    """Per programme: eligible, recipients, exclusion and inclusion errors (and their rates), net reallocation;
    a withheld row keeps its label and no figures."""
    if not has_table(con, "marts", "forum_programme_figures"):
        return []
    where, parameters = scope.where()
    rows = fetch_dicts(con, f"""
        select program, program_label, receipt_known, eligible_units, recipient_units, exclusion_error_units,
               inclusion_error_units, net_reallocation_idr
        from marts.forum_programme_figures where {where} order by program
    """, parameters)
    for row in rows:
        row["exclusion_rate_pct"] = _pct(row["exclusion_error_units"], row["eligible_units"])
        row["inclusion_rate_pct"] = _pct(row["inclusion_error_units"], row["recipient_units"])
    return rows


def _pct(part: int | None, whole: int | None) -> float | None:
    return None if part is None or not whole else round(100.0 * part / whole, 1)


def registry_gap(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict | None:
    """People in no registry (an estimate, a lower bound) beside the linked persons."""
    if not has_table(con, "marts", "registry_gap_by_regency"):
        return None
    where, parameters = scope.where()
    rows = fetch_dicts(con, f"""
        select persons_linked, sector_people_checked, persons_in_none_estimated
        from marts.registry_gap_by_regency where {where}
    """, parameters)
    return rows[0] if rows else None


def spm_categories(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict]:
    """How many SPM indicators reach each achievement category (Tuntas Paripurna ... Belum Tuntas) in the scope's
    region; an indicator whose achievement is withheld counts under no category (label NULL)."""
    if not has_table(con, "marts", "spm_indicators_published"):
        return []
    where, parameters = scope.where()
    return fetch_dicts(con, f"""
        select category_label, count(distinct indicator_code) as indicators, min(target_pct) as target
        from marts.spm_indicators_published
        where {where} and disaggregation = 'total' and is_spm
        group by category_label order by min(coalesce(achievement_pct, -1)) desc
    """, parameters)


def spm_achievement(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict]:
    """Achievement (%) per SPM or regional indicator in the scope's region, as published (withheld ones NULL)."""
    if not has_table(con, "marts", "spm_indicators_published"):
        return []
    where, parameters = scope.where()
    return fetch_dicts(con, f"""
        select indicator_code || ' ' || left(indicator, 48) as indicator, achievement_pct
        from marts.spm_indicators_published
        where {where} and disaggregation = 'total' and not suppressed
        qualify row_number() over (partition by indicator_code order by denominator desc) = 1
        order by indicator_code
    """, parameters)


def quarantine(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Rows read and quarantined over every source's latest delivery, and the share quarantined (%)."""
    if not has_table(con, "audit", "source_loads"):
        return None
    read, quarantined = con.execute("""
        with latest as (
            select * from audit.source_loads
            qualify row_number() over (partition by source order by loaded_at desc) = 1
        )
        select sum(rows_read), sum(rows_quarantined) from latest
    """).fetchone()
    if not read:
        return None
    return {"rows_read": int(read), "rows_quarantined": int(quarantined or 0),
            "share_pct": round(100.0 * (quarantined or 0) / read, 2)}


def changes(con: duckdb.DuckDBPyConnection, run_id: str | None) -> dict | None:
    """What moved since the previous published run: the run compared with, every moved cell, the count per mart;
    None when there is nothing to compare (no run id, no history)."""
    if not run_id or not has_table(con, "history", "mart_cells"):
        return None
    previous = history.previous_published(con, run_id)
    if previous is None:
        return {"previous": None, "moved": [], "by_mart": []}
    return _summary(previous, history.changes(con, previous, run_id))


def _summary(previous: str, moved: list[history.Change]) -> dict:
    return {"previous": previous, "moved": moved,
            "by_mart": sorted(Counter(change.mart for change in moved).items(), key=lambda item: (-item[1], item[0]))}


def changes_in(changes: dict | None, scope: Scope) -> dict | None:
    """The moved cells of the scope's region: for a regency, the cells whose region code starts with its code (the
    regency, its districts and villages, its map's hexagons)."""
    if changes is None or scope.regency is None or changes["previous"] is None:
        return changes
    code = f"={scope.regency}"
    return _summary(changes["previous"], [change for change in changes["moved"] if code in change.cell])


def hexagons(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict]:
    """The hexagons of the scope's map (the province map, or the regency's finer one), as suppressed in SQL."""
    if not has_table(con, "marts", "map_hex_households"):
        return []
    where, parameters = ("map_level = 'province'", []) if scope.regency is None \
        else ("map_level = 'regency' and regency_code = ?", [scope.regency])
    return fetch_dicts(con, f"""
        select centre_longitude as longitude, centre_latitude as latitude, hex_size, households, households_no_programme
        from marts.map_hex_households where {where} and region_level = 'hex' order by hex_q, hex_r
    """, parameters)


def villages(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict]:
    """The regency's villages at their official centroids (public reference data), for its map."""
    if scope.regency is None or not has_table(con, "reference", "ref_regions"):
        return []
    return fetch_dicts(con, """
        select name, longitude, latitude from reference.ref_regions
        where level = 'village' and region_code like ? || '%' and longitude is not null order by region_code
    """, [scope.regency])


def village_proposals(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict | None:
    """Musdes proposals answered back to the villages, summed over the scope's villages (a total from 1 to
    min_cell_count - 1 withheld, as a published cell would be), and the regencies' data-update scorecard; None when
    the tables are not in this warehouse."""
    if not has_table(con, "marts", "village_proposal_counts"):
        return None
    where, parameters = ("true", []) if scope.regency is None else ("regency_code = ?", [scope.regency])
    totals = fetch_dicts(con, f"""
        select count(*) as villages, sum(proposals_received) as proposals_received, sum(accepted) as accepted,
               sum(rejected) as rejected, sum(awaiting_verification) as awaiting_verification
        from marts.village_proposal_counts where {where}
    """, parameters)[0]
    threshold = min_cell_count()
    totals = {key: None if value is not None and 0 < value < threshold else value for key, value in totals.items()}
    scorecard = []
    if has_table(con, "marts", "regency_data_update_scorecard"):
        named = has_table(con, "reference", "ref_regions")
        scorecard = fetch_dicts(con, f"""
            select {"coalesce(regions.name, card.regency_code) || ' (' || card.regency_code || ')'"
                    if named else "card.regency_code"} as regency, card.rank, card.score
            from marts.regency_data_update_scorecard as card
            {"left join reference.ref_regions as regions on regions.region_code = card.regency_code" if named else ""}
            order by card.rank, card.regency_code
        """)
    return {"totals": totals, "scorecard": scorecard}
