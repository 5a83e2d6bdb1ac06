"""The marts section of the demo summary: per programme eligible units, inclusion and exclusion errors and the net
reallocation in the demo province, then the head of the (published, suppressed) SPM table. Aggregates only."""

from __future__ import annotations

import duckdb

from sepakat_dagster.warehouse import has_table

SPM_HEAD_ROWS = 12


def _rupiah(value) -> str:
    if value is None:
        return "-"
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return f"{sign}Rp{abs(value):,.0f}"


def _count_rate(count, rate) -> str:
    return "-" if count is None else f"{count:,} ({rate:.1%})" if rate is not None else f"{count:,}"


def _province(con: duckdb.DuckDBPyConnection) -> tuple[str, str | None]:
    return con.execute("""
        select region_code, any_value(region_name) from marts.targeting_errors where region_level = 'province'
        group by region_code order by sum(eligible) desc limit 1
    """).fetchone()


def _targeting_section(con: duckdb.DuckDBPyConnection, province: str, name: str | None) -> str:
    rows = con.execute("""
        select e.program_label, e.unit_kind, e.eligible, e.recipients, e.inclusion_errors, e.inclusion_error_rate,
            e.exclusion_errors, e.exclusion_error_rate, b.net_reallocation_idr, e.reference_ranking
        from marts.targeting_errors as e
        left join marts.budget_reallocation as b
            on b.program = e.program and b.region_level = 'province' and b.region_code = e.region_code
        where e.component = 'all' and e.region_level = 'province' and e.region_code = ?
        order by e.program
    """, [province]).fetchall()
    ranking = rows[0][-1] if rows else "regsosek"
    lines = [f"{'programme':<10}{'unit':<8}{'eligible':>10}{'recipients':>12}{'inclusion errors':>20}"
             f"{'exclusion errors':>20}{'net reallocation / yr':>24}"]
    for label, unit, eligible, recipients, inclusion, inclusion_rate, exclusion, exclusion_rate, net, _ in rows:
        lines.append(f"{label:<10}{unit:<8}{eligible:>10,}{'-' if recipients is None else f'{recipients:,}':>12}"
                     f"{_count_rate(inclusion, inclusion_rate):>20}{_count_rate(exclusion, exclusion_rate):>20}"
                     f"{_rupiah(net):>24}")
    header = (f"Targeting ({name or 'province'} {province}; reference ranking {ranking}; receipt from DTKS)\n"
              "inclusion = receiving but not eligible / recipients; exclusion = eligible not receiving / eligible; "
              "net reallocation = savings from inclusion errors - cost of covering exclusion errors")
    return header + "\n" + "\n".join(lines)


def _spm_section(con: duckdb.DuckDBPyConnection, province: str) -> str:
    rows = con.execute(f"""
        select indicator_code, indicator, numerator, denominator, achievement_pct, category_label, suppressed
        from marts.spm_indicators_published
        where region_level = 'province' and region_code = ? and disaggregation = 'total'
        order by is_spm desc, indicator_code
        limit {SPM_HEAD_ROWS}
    """, [province]).fetchall()
    lines = [f"{'code':<15}{'indicator':<62}{'numerator':>10}{'denominator':>13}{'achieved':>10}  category"]
    for code, indicator, numerator, denominator, achievement, category, suppressed in rows:
        figures = (f"{'(suppressed)':>33}" if suppressed
                   else f"{numerator:>10,}{denominator:>13,}{f'{achievement:.2f}%':>10}")
        text = indicator if len(indicator) <= 60 else indicator[:57] + "..."
        lines.append(f"{code:<15}{text:<62}{figures}  {category or ''}")
    return "SPM indicators (head; published cells, small counts suppressed)\n" + "\n".join(lines)


def render(con: duckdb.DuckDBPyConnection) -> str | None:
    """The marts section for `con` (the warehouse), or None when the marts have not been built."""
    needed = ("targeting_errors", "budget_reallocation", "spm_indicators_published")
    if not all(has_table(con, "marts", table) for table in needed):
        return None
    found = _province(con)
    if found is None:
        return None
    province, name = found
    return _targeting_section(con, province, name) + "\n\n" + _spm_section(con, province)
