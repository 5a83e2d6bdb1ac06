"""National roll-ups of the provinces' targeting errors, registry coverage, SPM indicators and budget reallocation,
their published versions with small cells suppressed, and the reconciliation of the national totals.

Each roll-up `national.<mart>` holds, per key of the mart (programme and component, indicator and group, ...),
one row per province (region_level 'province': the province's own total as its warehouse publishes it) and one
national row (region_level 'nation'), summed over every province's regency rows. The two paths are independent,
so the reconciliation (the national row equals the sum of the province rows, per key and measure) also catches
a province whose total disagrees with its regencies. Rows of records without a known region (a row with no
province code: the members of a household row the loader quarantined) count for the province whose warehouse holds
them, on both paths: every warehouse serves one province, so the national totals are the sum of the provinces'
whole totals.

The published version `national.<mart>_published` withholds every count from 1 to `min_cell_count - 1` (the
province marts' threshold, dbt var) and, by secondary suppression on the identity "nation = sum of provinces",
every count that could be recovered by subtraction: the rule of docs/marts.md ("Disclosure"), checked by the same
`violations` scan that guards the province marts.
"""

from __future__ import annotations

import re

import duckdb

from sepakat_dagster.defs.marts.disclosure import PublishableTable, Total, min_cell_count, violations
from sepakat_dagster.defs.national.inputs import union_all
from sepakat_dagster.defs.national.settings import NATION, NATION_CODE, Rollup, rollups

# Secondary suppression passes before a recoverable cell fails the step (the province marts' var disclosure_passes).
PASSES = 32


def _select(rollup: Rollup, level: str) -> str:
    labels = "".join(f"min({label}) as {label}, " for label in rollup.labels)
    measures = ", ".join(f"sum({m})::bigint as {m}" for m in rollup.measures)
    keys = "".join(f"{key}, " for key in rollup.keys)
    return f"""
        select '{level}' as region_level, '{{province}}' as region_code, '{{province}}' as province_code,
            {keys}{labels}{measures}
        from {{catalog}}.{rollup.source}
        where region_level = '{level}' and coalesce(province_code, '{{province}}') = '{{province}}'
        group by all
    """


def _keys_match(rollup: Rollup, left: str, right: str) -> str:
    return " and ".join([f"{left}.{k} is not distinct from {right}.{k}" for k in rollup.keys] or ["true"])


def build(con: duckdb.DuckDBPyConnection, catalogs: dict[str, str], rollup: Rollup) -> int:
    """`national.<mart>`: the province rows and the national row; returns its rows."""
    keys = "".join(f"{key}, " for key in rollup.keys)
    labels = "".join(f"min({label}) as {label}, " for label in rollup.labels)
    sums = ", ".join(f"sum({m})::bigint as {m}" for m in rollup.measures)
    rates = "".join(f", {sql} as {name}" for name, sql in rollup.rates.items())
    con.execute(f"""
        create or replace table {rollup.table} as
        with provinces as ({union_all(catalogs, _select(rollup, 'province'))}),
        regencies as ({union_all(catalogs, _select(rollup, 'regency'))}),
        nation as (
            select '{NATION}' as region_level, '{NATION_CODE}' as region_code, null::varchar as province_code,
                {keys}{labels}{sums}
            from regencies
            group by all
        ),
        together as (select * from nation union all by name select * from provinces)
        select *{rates} from together
        order by region_level = '{NATION}' desc, province_code, {keys}region_code
    """)
    return con.execute(f"select count(*) from {rollup.table}").fetchone()[0]


def mismatches(con: duckdb.DuckDBPyConnection, rollup: Rollup) -> dict[str, int]:
    """Per measure, the keys whose national row differs from the sum of the province rows (0 everywhere when the
    roll-up reconciles). A key present on one side only counts unless its figures are all zero."""
    keys = ", ".join(rollup.keys)
    group = f"group by {keys}" if keys else ""
    select_keys = f"{keys}, " if keys else ""
    sums = ", ".join(f"sum({m}) as {m}" for m in rollup.measures)
    checks = ", ".join(
        f"count(*) filter (where coalesce(n.{m}, 0) <> coalesce(p.{m}, 0)) as {m}" for m in rollup.measures)
    row = con.execute(f"""
        with nation as (select * from {rollup.table} where region_level = '{NATION}'),
        provinces as (
            select {select_keys}{sums} from {rollup.table} where region_level = 'province' {group}
        )
        select {checks}
        from nation as n full outer join provinces as p on {_keys_match(rollup, 'n', 'p')}
    """).fetchone()
    return dict(zip(rollup.measures, row, strict=True))


def published_table(rollup: Rollup, min_cell: int | None = None) -> PublishableTable:
    """The disclosure declaration of `national.<mart>_published`: cell suppression of its counts, with the one
    identity it shows (the nation is the sum of its provinces, per key)."""
    return PublishableTable(
        name=f"national_{rollup.mart}_published",
        relation=rollup.published,
        min_cell=min_cell_count() if min_cell is None else min_cell,
        suppression="cell",
        count_columns=rollup.count_columns,
        totals=(Total(name="nation_is_sum_of_provinces", members="region_level in ('nation', 'province')",
                      by=rollup.keys or ("region_level is not null",), total=f"region_level = '{NATION}'"),),
    )


def _inputs(rollup: Rollup, sql: str) -> list[str]:
    return [c for c in rollup.count_columns if re.search(rf"\b{c}\b", sql)]


def publish(con: duckdb.DuckDBPyConnection, rollup: Rollup, min_cell: int | None = None) -> dict[str, int]:
    """`national.<mart>_published` with small and recoverable counts withheld (NULL), and the amounts and rates
    made from a withheld count withheld with it. Returns the withheld cells per count column; fails when a
    recoverable cell is left after PASSES passes."""
    table = published_table(rollup, min_cell)
    k = table.min_cell
    total = table.totals[0]
    order = ", ".join(["region_level", "province_code", *rollup.keys])
    con.execute(f"""
        create or replace temp table suppressing as
        select row_number() over (order by {order}) as __row, *,
            {', '.join(f'coalesce({c} between 1 and {k - 1}, false) as __s_{c}' for c in rollup.count_columns)}
        from {rollup.table}
    """)
    group = ", ".join(total.by)
    for column in rollup.count_columns:
        withheld = f"__s_{column}"
        for _ in range(PASSES + 1):
            # In every group where the withheld cells can be recovered, withhold the smallest shown part next
            # (non-zero first, the table's order; the national total last).
            marks = con.execute(f"""
                with ranked as (
                    select *, row_number() over (order by coalesce({column}, 0) = 0, {column}, __row) as __rank
                    from suppressing
                )
                select arg_min(__row, __rank + case when {total.total} then 1e12 else 0 end)
                    filter (where not {withheld})
                from ranked
                where {total.members}
                group by {group}
                having count(*) filter (where {withheld}) = 1
                    or (not coalesce(bool_or({withheld} and {total.total}), false)
                        and coalesce(sum({column}) filter (where {withheld} and not ({total.total}))
                            between 1 and {k - 1}, false))
            """).fetchall()
            rows = [row for (row,) in marks if row is not None]
            if not rows:
                break
            con.execute(f"update suppressing set {withheld} = true where __row in (select unnest(?))", [rows])
        else:
            raise RuntimeError(f"{table.relation}: cells of {column} can still be recovered from a total after "
                               f"{PASSES} passes of secondary suppression")
    replaced = [f"case when not __s_{c} then {c} end as {c}" for c in rollup.count_columns]
    for column, units in rollup.derived.items():
        replaced.append(f"case when not ({' or '.join(f'__s_{u}' for u in units)}) then {column} end as {column}")
    for name, sql in rollup.rates.items():
        inputs = _inputs(rollup, sql)
        replaced.append(f"case when not ({' or '.join(f'__s_{c}' for c in inputs)}) then {name} end as {name}")
    helpers = ", ".join(["__row", *(f"__s_{c}" for c in rollup.count_columns)])
    con.execute(f"""
        create or replace table {rollup.published} as
        select * exclude ({helpers}) replace ({', '.join(replaced)})
        from suppressing order by __row
    """)
    withheld = con.execute("select " + ", ".join(
        f"count(*) filter (where __s_{c})" for c in rollup.count_columns) + " from suppressing").fetchone()
    con.execute("drop table suppressing")
    return dict(zip(rollup.count_columns, withheld, strict=True))


def build_all(con: duckdb.DuckDBPyConnection, catalogs: dict[str, str],
              min_cell: int | None = None) -> dict[str, dict[str, int]]:
    """Every roll-up and its published version; per mart its rows and withheld cells."""
    con.execute("create schema if not exists national")
    summary = {}
    for rollup in rollups():
        rows = build(con, catalogs, rollup)
        withheld = publish(con, rollup, min_cell)
        summary[rollup.mart] = {"rows": rows, "cells_withheld": sum(withheld.values())}
    return summary


def reconcile(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """Per roll-up, the measures whose national total is not the sum of the provinces (and by how many keys)."""
    found = {}
    for rollup in rollups():
        broken = {measure: count for measure, count in mismatches(con, rollup).items() if count}
        if broken:
            found[rollup.mart] = broken
    return found


def disclosure_violations(con: duckdb.DuckDBPyConnection, min_cell: int | None = None) -> list[str]:
    """What a reader of the published roll-ups could learn below the threshold (empty when safe)."""
    return [v for rollup in rollups() for v in violations(con, published_table(rollup, min_cell))]
