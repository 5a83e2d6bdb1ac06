"""The short text summary `make demo` prints: one section per pipeline stage that has run."""

from __future__ import annotations

from pathlib import Path

import duckdb

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.marts import summary as marts_summary
from sepakat_dagster.warehouse import has_table


def _sources_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("""
        select source, file_name, vintage, rows_read, rows_loaded, rows_quarantined
        from audit.source_loads
        qualify row_number() over (partition by source order by loaded_at desc) = 1
        order by source
    """).fetchall()
    lines = [f"{'source':<24}{'file':<46}{'vintage':<12}{'read':>11}{'loaded':>11}{'quarantined':>13}"]
    for source, file_name, vintage, read, loaded, quarantined in rows:
        lines.append(f"{source:<24}{file_name:<46}{vintage!s:<12}{read:>11,}{loaded:>11,}{quarantined:>13,}")
    totals = [sum(r[i] for r in rows) for i in (3, 4, 5)]
    lines.append(f"{'total':<82}{totals[0]:>11,}{totals[1]:>11,}{totals[2]:>13,}")
    return "Sources (rows read = loaded + quarantined; quarantine in audit.quarantine)\n" + "\n".join(lines)


def _linkage_section(con: duckdb.DuckDBPyConnection) -> str:
    """Linkage quality against the ground truth, by NIK status (linkage.evaluation), and the persons found."""
    rows = con.execute("""
        select level, segment, precision, recall, f1 from linkage.evaluation
        order by case level when 'pairwise' then 1 when 'cluster' then 2 else 3 end,
            case segment when 'all' then 1 when 'nik_valid' then 2 else 3 end
    """).fetchall()
    lines = [f"{'measure':<10}{'records':<26}{'precision':>11}{'recall':>10}{'F1':>10}"]
    for level, segment, precision, recall, f1 in rows:
        cells = [f"{value:>{width}.2%}" if value is not None else f"{'-':>{width}}"
                 for value, width in ((precision, 11), (recall, 10), (f1, 10))]
        lines.append(f"{level:<10}{segment:<26}{''.join(cells)}")
    header = "Linkage (against the ground truth; nik_valid = NIK present and as issued)"
    if has_table(con, "linkage", "person_clusters"):
        records, persons, linked = con.execute("""
            select count(*), count(distinct person_id), count(distinct person_id) filter (where cluster_size > 1)
            from linkage.person_clusters
        """).fetchall()[0]
        header += (f"\n{records:,} person records -> {persons:,} persons "
                   f"({linked:,} found in more than one record)")
    return header + "\n" + "\n".join(lines)


def render_summary(warehouse: Path) -> str:
    if not warehouse.exists():
        return f"No warehouse at {warehouse}: run `make demo` first."
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        sections = [f"Warehouse: {warehouse}"]
        if has_table(con, "audit", "source_loads"):
            sections.append(_sources_section(con))
        if has_table(con, "linkage", "evaluation"):
            sections.append(_linkage_section(con))
        marts = marts_summary.render(con)
        if marts:
            sections.append(marts)
    return "\n\n".join(sections)
