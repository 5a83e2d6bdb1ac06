"""The quality and lineage report for Satu Data forums: one static HTML file that opens offline in a browser.

It holds aggregates only (counts, rates, rupiah), never a NIK, name or address, and of the marts only those dbt
declares publishable (sepakat_dagster/defs/marts/disclosure.py), with their small cells suppressed. Sections appear
as the tables they read exist, so the report grows with the pipeline. Charts are inline SVG: no scripts, no network.
"""

from __future__ import annotations

import html
import subprocess
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.marts.disclosure import PublishableTable, publishable_tables
from sepakat_dagster.defs.publish import history
from sepakat_dagster.paths import REPO_ROOT
from sepakat_dagster.warehouse import has_table


@dataclass(frozen=True)
class CheckResult:
    """The latest result of one asset check."""

    asset: str
    check: str
    status: str  # SUCCEEDED, WARNED (failed at warn severity), FAILED, NOT RUN (or another Dagster status)
    blocking: bool
    detail: str = ""


@dataclass(frozen=True)
class Lineage:
    """What one published table is built from, and the checks that guard that path."""

    asset: str
    upstream: tuple[str, ...]
    checks: tuple[str, ...]


def code_version() -> str:
    """The git commit the pipeline ran from, or 'unknown' outside a checkout."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"],
            capture_output=True, text=True, check=True, timeout=10,
        )
        return completed.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return _esc(value)


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f"<td class='num'>{_number(v)}</td>" if i >= numeric_from else f"<td>{_esc(v)}</td>"
            for i, v in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart(bars: Sequence[tuple[str, float]], unit: str = "", width: int = 640) -> str:
    """Horizontal bars as inline SVG from a zero line (negative values to its left); labels sized to fit. A bar
    without a value (a suppressed cell) is left out."""
    bars = [("" if label is None else str(label), value) for label, value in bars if value is not None]
    if not bars:
        return ""
    label_width = min(260, 7 * max(len(label) for label, _ in bars) + 12)
    low, high = min(0.0, *(v for _, v in bars)), max(0.0, *(v for _, v in bars))
    span = (high - low) or 1.0
    row_height, plot = 22, width - label_width - 90
    zero = label_width + plot * -low / span
    parts = [f"<svg class='chart' width='{width}' height='{row_height * len(bars) + 6}' role='img'>"]
    for i, (label, value) in enumerate(bars):
        y = i * row_height + 3
        length = max(1.0, plot * abs(value) / span)
        x = zero if value >= 0 else zero - length
        negative = " class='neg'" if value < 0 else ""
        parts.append(
            f"<text x='{label_width - 6}' y='{y + 15}' text-anchor='end'>{_esc(label)}</text>"
            f"<rect x='{x:.1f}' y='{y + 3}' width='{length:.1f}' height='{row_height - 8}'{negative}></rect>"
            f"<text x='{zero + (length if value >= 0 else 0) + 5:.1f}' y='{y + 15}'>{value:,.4g}{_esc(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _sources_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("""
        select source, file_name, vintage, left(file_sha256, 12), rows_read, rows_loaded, rows_quarantined
        from audit.source_loads
        qualify row_number() over (partition by source order by loaded_at desc) = 1
        order by source
    """).fetchall()
    reasons = con.execute("""
        select source, coalesce(field, '(whole line)'), reason, count(distinct line_no)
        from audit.quarantine group by all order by 1, 4 desc, 2, 3
    """).fetchall()
    shares = [(r[0], 100.0 * r[6] / r[4]) for r in rows if r[4]]
    return (
        "<h2>Sources and quarantine</h2><p>Rows read = rows loaded + rows quarantined, for every delivery "
        "(checked by the blocking <code>rows_conserved</code> gate).</p>"
        + _table(["source", "file", "vintage", "sha-256", "read", "loaded", "quarantined"], rows, numeric_from=4)
        + "<h3>Share of rows quarantined</h3>" + bar_chart(shares, " %")
        + "<h3>Why rows were quarantined</h3>"
        + (_table(["source", "field", "reason", "rows"], reasons, numeric_from=3) if reasons else "<p>None.</p>")
    )


CHANGES_SHOWN = 200


def _changes_section(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    """Every published cell that moved since the previous published run, by mart, regency and indicator (the
    cell's grain) and measure; a suppressed value shows as empty."""
    previous = history.previous_published(con, run_id)
    if previous is None:
        return ("<h2>Change since the previous run</h2><p>This is the first published run of this warehouse: "
                "there is nothing to compare with yet.</p>")
    moved = history.changes(con, previous, run_id)
    by_mart = Counter(change.mart for change in moved)
    rows = [(c.mart, c.cell, c.measure, c.before, c.after, c.difference) for c in moved[:CHANGES_SHOWN]]
    more = f"<p>{len(moved) - CHANGES_SHOWN:,} more: <code>sepakat diff {previous[:8]} {run_id[:8]}</code> lists " \
        "them all.</p>" if len(moved) > CHANGES_SHOWN else ""
    return (
        f"<h2>Change since the previous run</h2><p>Compared with published run <code>{_esc(previous[:8])}</code>: "
        f"{len(moved):,} published values moved"
        + (" (" + ", ".join(f"{_esc(m)} {n:,}" for m, n in sorted(by_mart.items())) + ")" if moved else "")
        + f". <code>sepakat diff {_esc(previous[:8])} {_esc(run_id[:8])} --tolerance 0.05</code> lists the larger "
        "moves.</p>"
        + (_table(["mart", "cell (region, indicator, ...)", "measure", "before", "after", "change"], rows,
                  numeric_from=3) if rows else "")
        + more
    )


def _gates_section(gates: Sequence[CheckResult]) -> str:
    by_asset: dict[str, dict[str, int]] = {}
    for gate in gates:
        counts = by_asset.setdefault(gate.asset, {})
        counts[gate.status] = counts.get(gate.status, 0) + 1
        counts["blocking"] = counts.get("blocking", 0) + gate.blocking
    statuses = ("SUCCEEDED", "WARNED", "FAILED", "NOT RUN")
    totals = {status: sum(g.status == status for g in gates) for status in statuses}
    problems = [g for g in gates if g.status in ("FAILED", "WARNED")]
    problems.sort(key=lambda g: (g.status != "FAILED", g.asset, g.check))
    return (
        f"<h2>Quality gates</h2><p>{len(gates):,} checks: {totals['SUCCEEDED']:,} passed, {totals['WARNED']:,} "
        f"warned, {totals['FAILED']:,} failed, {totals['NOT RUN']:,} not run. A failed blocking check stops "
        "everything downstream of its asset; a warning is reported and does not block.</p>"
        + "<h3>Checks that failed or warned</h3>"
        + (_table(["asset", "check", "result", "blocking", "detail"],
                  [(g.asset, g.check, g.status, "yes" if g.blocking else "no", g.detail) for g in problems],
                  numeric_from=99) if problems else "<p>None.</p>")
        + "<h3>Checks per asset</h3>"
        + _table(["asset", "passed", "warned", "failed", "not run", "blocking"],
                 [(asset, *(c.get(s, 0) for s in statuses), c["blocking"]) for asset, c in sorted(by_asset.items())])
    )


def _linkage_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("""
        select level, segment, precision, recall, f1, actual from linkage.evaluation order by level, segment
    """).fetchall()
    f1_bars = [(f"{level} {segment}", 100.0 * f1) for level, segment, _, _, f1, _ in rows if f1 is not None]
    return (
        "<h2>Linkage quality</h2><p>Measured against the ground truth of the synthetic province; "
        "<em>nik_valid</em> means the NIK is present and as issued.</p>"
        + _table(["level", "segment", "precision", "recall", "F1", "true pairs / persons"], rows, numeric_from=2)
        + "<h3>F1 (%)</h3>" + bar_chart(f1_bars, " %")
    )


def _spm_chart(con: duckdb.DuckDBPyConnection) -> str:
    bars = con.execute("""
        select indicator_code || ' ' || left(indicator, 48), achievement_pct
        from marts.spm_indicators_published
        where region_level = 'province' and disaggregation = 'total' and not suppressed
        qualify row_number() over (partition by indicator_code order by denominator desc) = 1
        order by indicator_code
    """).fetchall()
    return "<h3>Province achievement per SPM indicator (%)</h3>" + bar_chart(bars, " %")


def _spm_catalogue_section(con: duckdb.DuckDBPyConnection) -> str:
    """The whole SPM catalogue: each indicator's province achievement (as published, suppressed or not), how it
    is computed, the sources it counts, whether its target population is a proxy (and what stands in), and for the
    indicators no source supports, why and which source would be needed."""
    published = has_table(con, "marts", "spm_indicators_published")
    achievement = """
        left join (
            select indicator_code, achievement_pct from marts.spm_indicators_published
            where region_level = 'province' and disaggregation = 'total'
        ) as published using (indicator_code)""" if published else ""
    rows = con.execute(f"""
        select catalogue.indicator_code, catalogue.indicator, catalogue.status,
               {'published.achievement_pct' if published else 'null'},
               catalogue.method, replace(catalogue.counted_sources, '|', ', '),
               case when catalogue.is_proxy then 'yes: ' || catalogue.proxy_note
                    when catalogue.status = 'no_source' then ''
                    else 'no' end,
               case when catalogue.status = 'no_source'
                    then catalogue.no_source_reason || ' Needed: ' || catalogue.source_needed end
        from marts.spm_indicator_catalogue as catalogue{achievement}
        order by catalogue.is_spm desc, catalogue.indicator_code
    """).fetchall()
    counts = Counter(row[2] for row in rows)
    return (
        "<h2>SPM catalogue: method, sources and proxies</h2><p>Every indicator of the SPM catalogue and the regional "
        f"indicators: {counts['computed']} computed, {counts['proxy']} computed on a proxy target population, "
        f"{counts['no_source']} with no source. Achievement is the province's, as published.</p>"
        + _table(["indicator", "what", "status", "province %", "method", "sources counted", "proxy",
                  "no source: why, and what is needed"],
                 [(*row[:3], SUPPRESSED if row[3] is None and row[2] != "no_source" else row[3], *row[4:])
                  for row in rows], numeric_from=3)
    )


def _awaiting_confirmation_section(con: duckdb.DuckDBPyConnection) -> str:
    """Every seed parameter whose confirmation flag is false: what the forum still has to confirm."""
    rows = con.execute("""
        select seed, confirmation_flag, parameter, valid_from, source
        from marts.parameters_awaiting_confirmation order by seed, parameter
    """).fetchall()
    return (
        "<h2>Awaiting forum confirmation / menunggu konfirmasi forum</h2><p>"
        f"{len(rows):,} parameters in use that the forum has not confirmed (their seed row says "
        "<code>confirmed=false</code>): the figures that rest on them are provisional.</p>"
        + (_table(["seed", "flag", "parameter", "valid from", "source"], rows, numeric_from=99)
           if rows else "<p>None.</p>")
    )


def _spm_and_confirmation_sections(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The SPM catalogue and the parameters awaiting confirmation, as their tables exist."""
    return [section(con) for table, section in (("spm_indicator_catalogue", _spm_catalogue_section),
                                                 ("parameters_awaiting_confirmation", _awaiting_confirmation_section))
            if has_table(con, "marts", table)]


def _expectations_section(gates: Sequence[CheckResult], stages: dict[str, str], docs: str | None) -> str:
    suites = [g for g in gates if g.check == "expectations"]
    order = {stage: i for i, stage in enumerate(("raw", "staging", "harmonised", "linkage", "marts"))}
    suites.sort(key=lambda g: (order.get(stages.get(g.asset, ""), 9), g.asset))
    link = (f"<p>Every expectation and its observed value: <a href='{_esc(docs)}'>great-expectations Data Docs"
            "</a> (counts and shares only; no values from personal columns).</p>") if docs else ""
    return (
        "<h2>Expectation suites by stage</h2><p>One great-expectations suite per stage output "
        "(<code>expectations/*.json</code>), run as a blocking check: a failed critical expectation stops every "
        "later stage.</p>" + link
        + _table(["stage", "asset", "result", "what failed"],
                 [(stages.get(g.asset, ""), g.asset, g.status, g.detail) for g in suites], numeric_from=99)
    )


def _mart_section(con: duckdb.DuckDBPyConnection, table: PublishableTable, title: str, limit: int = 40) -> str:
    """A publishable mart as it is (its small cells already suppressed in SQL); internal marts are never shown here.
    Its first rows in the order of its columns: a table's stored order is whatever the build's threads left, and
    the same data must give the same report. A suppressed cell reads as a dash."""
    relation = con.execute(f"select * from {table.relation} order by all limit {limit}")
    headers = [d[0] for d in relation.description]
    withheld = {i for i, header in enumerate(headers) if header in table.withheld_columns}
    rows = [[SUPPRESSED if value is None and i in withheld else value for i, value in enumerate(row)]
            for row in relation.fetchall()]
    total = con.execute(f"select count(*) from {table.relation}").fetchone()[0]
    note = (f"<p>First {len(rows)} of {total:,} rows; the full table is <code>{_esc(table.relation)}</code>. "
            f"{SUPPRESSED} = withheld: a count from 1 to {table.min_cell - 1}, or one that a total would give away "
            "by subtraction.</p>")
    return f"<h2>{_esc(title)}</h2>{note}" + _table(headers, rows, numeric_from=99)


def _lineage_section(lineage: Sequence[Lineage]) -> str:
    items = "".join(
        f"<details><summary><code>{_esc(item.asset)}</code>: {len(item.upstream)} upstream assets, "
        f"{len(item.checks)} checks</summary><p><b>Built from</b>: "
        + ", ".join(f"<code>{_esc(a)}</code>" for a in item.upstream)
        + "</p><p><b>Guarded by</b>: " + ", ".join(f"<code>{_esc(c)}</code>" for c in item.checks) + "</p></details>"
        for item in lineage
    )
    return "<h2>Lineage</h2><p>Every published table, what it is built from and the checks on that path.</p>" + items


# Titles of the publishable marts. Which marts are shown is not decided here: only those dbt declares publishable
# (config.meta.disclosure, sepakat_dagster/defs/marts/disclosure.py), whose small cells the SQL suppressed.
# The order is the report's: the analyses of docs/analyses/ one after another.
MART_TITLES = {
    # welfare distribution (docs/analyses/welfare.md)
    "welfare_distribution_by_decile_published": "Welfare distribution: persons and households by decile",
    "welfare_distribution_by_percentile_published": "Welfare distribution: persons and households by percentile",
    "welfare_distribution_by_ranking_published": "Welfare distribution under each registry's own ranking",
    # poverty, employment, gender (docs/analyses/macro.md)
    "poverty_by_regency": "Poverty: BPS Susenas beside the registries' deciles 1-4",
    "employment_by_regency": "Employment: BPS Sakernas beside Regsosek",
    "employment_by_decile": "Employment by decile, sex and age group (Regsosek)",
    "gender_gaps_by_regency": "Gender: gaps between women and men, with BPS's IPG and IDG",
    # education, health, disability, housing (docs/analyses/social.md)
    "out_of_school_children": "Out-of-school children by decile and disability",
    "health_insurance_coverage": "Health insurance (PBI-JK) of deciles 1-4",
    "rad_pd_disability_by_sex": "Disability by sex, for the RAD PD plan",
    "rad_pd_disability_by_domain": "Disability by functional domain and severity, for the RAD PD plan",
    "rad_pd_disability_coverage": "Persons with disability covered by PKH and PBI-JK, for the RAD PD plan",
    "housing_rtlh_by_rule_set": "Housing: RTLH under each agency's rule set (not assessable shown apart)",
    "housing_services_by_decile": "Housing: water, sanitation, lighting and cooking fuel by decile",
    # hazards and places (docs/analyses/places.md)
    "hazard_households_by_decile": "Households in INARISK hazard villages by decile",
    "hazard_zone_households": "Households inside hazard zones (geotags), per village",
    "coastal_flood_households_by_decile": "Households in the coastal-flood zone by decile band",
    "slum_households_by_decile": "Households in slum areas by decile band",
    "disaster_events_by_regency": "Disaster events (BNPB DIBI) beside households in hazard zones",
    # SPM and planning (docs/analyses/spm-and-budget.md)
    "spm_indicators_published": "Minimum Service Standard (SPM) achievement (small cells suppressed)",
    "spm_planning_targets": "Planning table (RKPD/RPJMD, RAD SPM annex): baseline, latest, target, gap",
}
SUPPRESSED = "\u2013"

MART_CHARTS = {"spm_indicators_published": _spm_chart}


def _shown_lineage(lineage: Sequence[Lineage], publishable: set[str]) -> list[Lineage]:
    """Lineage of the publishable marts and of the other reported tables; not of internal dbt models."""
    return [item for item in lineage
            if item.asset.split("/")[0] not in ("marts", "intermediate") or item.asset.replace("/", ".") in publishable]


STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d2733;padding:0 1em}
h1{font-size:1.6em} h2{border-bottom:2px solid #d5dde6;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:13px} td,th{border:1px solid #d5dde6;padding:3px 7px}
th{background:#eef2f6;text-align:left} td.num{text-align:right;font-variant-numeric:tabular-nums}
svg.chart rect{fill:#2f6f9f} svg.chart rect.neg{fill:#b5533c} svg.chart text{font-size:12px;fill:#1d2733}
code{font-size:12px}
.meta{color:#5a6877}
"""


def render_report(
    warehouse: Path, gates: Sequence[CheckResult] = (), lineage: Sequence[Lineage] = (), run_id: str | None = None,
    suite_stages: dict[str, str] | None = None, data_docs: str | None = None,
) -> str:
    sections = []
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        if has_table(con, "audit", "source_loads"):
            sections.append(_sources_section(con))
        if gates:
            sections.append(_gates_section(gates))
            sections.append(_expectations_section(gates, suite_stages or {}, data_docs))
        if has_table(con, "linkage", "evaluation"):
            sections.append(_linkage_section(con))
        if run_id and has_table(con, "history", "mart_cells"):
            sections.append(_changes_section(con, run_id))
        order = list(MART_TITLES)
        tables = sorted(publishable_tables(), key=lambda t: (order.index(t.name) if t.name in order else len(order),
                                                              t.name))
        for table in tables:
            if has_table(con, *table.relation.split(".")):
                sections.append(_mart_section(con, table, MART_TITLES.get(table.name, table.name))
                                + MART_CHARTS.get(table.name, lambda _: "")(con))
        sections.extend(_spm_and_confirmation_sections(con))
    lineage = _shown_lineage(lineage, {t.relation for t in tables})
    if lineage:
        sections.append(_lineage_section(lineage))
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = (
        f"<p class='meta'>Generated {generated} · run <code>{_esc(run_id or 'n/a')}</code> · code version "
        f"<code>{_esc(code_version())}</code> · warehouse <code>{_esc(warehouse.name)}</code></p>"
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>sepakat quality and lineage report"
        f"</title><style>{STYLE}</style></head><body><h1>sepakat: quality and lineage report</h1>{meta}"
        + "".join(sections) + "</body></html>"
    )


def write_report(
    warehouse: Path, out_dir: Path, gates: Sequence[CheckResult] = (), lineage: Sequence[Lineage] = (),
    run_id: str | None = None, suite_stages: dict[str, str] | None = None, latest: Path | None = None,
) -> Path:
    """Write report-<run>.html into `out_dir`, beside the great-expectations Data Docs the gates built there, and
    the same document to `latest` (by default latest.html there; a run stages it to be published with its
    warehouse); returns the run's file. Each file is written whole, then renamed into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = "data_docs/index.html" if (out_dir / "data_docs" / "index.html").exists() else None
    document = render_report(warehouse, gates, lineage, run_id, suite_stages, docs)
    path = out_dir / f"report-{(run_id or 'manual')[:8]}.html"
    for target in (path, latest or out_dir / "latest.html"):
        partial = target.with_name(target.name + ".partial")
        partial.write_text(document, encoding="utf-8")
        partial.replace(target)
    return path
