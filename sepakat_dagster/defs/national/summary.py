"""The short text summary `sepakat national` and `sepakat demo --provinces` print: counts of the national pass, the
targeting flags per province, and (on generated data) the cross-province linkage quality. Counts only, never a
NIK or a name."""

from __future__ import annotations

from pathlib import Path

import duckdb

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.national import cluster, evaluate, nik_index, targeting
from sepakat_dagster.warehouse import has_table


def _persons_section(con: duckdb.DuckDBPyConnection) -> str:
    provinces, province_persons, national_persons, across = con.execute(f"""
        select count(distinct province_code), count(*), count(distinct national_person_key),
            count(distinct national_person_key) filter (where provinces > 1)
        from {cluster.PERSON_KEYS}
    """).fetchone()
    links = dict(con.execute(f"select method, count(*) from {cluster.CROSS_PROVINCE_LINKS} group by 1").fetchall())
    (conflicts,) = con.execute(f"select count(*) from {nik_index.NIK_CONFLICTS}").fetchone()
    return (f"National pass over {provinces} provinces: {province_persons:,} province persons -> "
            f"{national_persons:,} national persons ({across:,} found in more than one province)\n"
            f"cross-province links: {links.get(cluster.NIK_METHOD, 0):,} on the NIK, "
            f"{links.get(cluster.PROBABILISTIC_METHOD, 0):,} by name and birth date (Splink); "
            f"{conflicts:,} NIKs used by different people (queued for review)")


def _flags_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(f"select * from {targeting.FLAG_COUNTS} order by province_code").fetchall()
    lines = [f"{'province':<10}{'listed here':>13}{'flagged (listed elsewhere)':>28}{'of them on its list':>21}"]
    lines += [f"{p:<10}{here:>13,}{flagged:>28,}{on_list:>21,}" for p, here, flagged, on_list in rows]
    return ("Cross-province duplicates on the targeting lists (listed in the province of current residence, "
            "flagged in the others)\n" + "\n".join(lines) + "\nThe flags go to each province's landing folder "
            "(national/); a province's next refresh takes the persons another province lists off its list.")


def _evaluation_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(f"select level, segment, precision, recall, f1 from {evaluate.LINKAGE} order by all").fetchall()
    lines = [f"{'measure':<25}{'records':<24}{'precision':>11}{'recall':>10}{'F1':>10}"]
    for level, segment, precision, recall, f1 in rows:
        cells = [f"{value:>{width}.2%}" if value is not None else f"{'-':>{width}}"
                 for value, width in ((precision, 11), (recall, 10), (f1, 10))]
        lines.append(f"{level:<25}{segment:<24}{''.join(cells)}")
    return ("Cross-province linkage against the ground truth (pairs of province persons who are one human)\n"
            + "\n".join(lines))


def render_summary(warehouse: Path) -> str:
    if not warehouse.exists():
        return f"No national warehouse at {warehouse}: run `sepakat national` after the provinces."
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        sections = [f"National warehouse: {warehouse}", _persons_section(con), _flags_section(con)]
        schema, table = evaluate.LINKAGE.split(".")
        if has_table(con, schema, table):
            sections.append(_evaluation_section(con))
    return "\n\n".join(sections)
