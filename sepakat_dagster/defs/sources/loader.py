"""Load one landing file into raw.<source>; every row that fails structural validation goes to audit.quarantine.

The file is read line by line (with exact physical line numbers) and split and typed in SQL, so a province-size
file never passes through Python and every rejected row can be reported by file, line and field. Messages and
reasons name columns and rules, never values: the raw line is kept only in the quarantine table.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from sepakat_dagster.defs.personal import is_personal_column
from sepakat_dagster.defs.sources.catalog import SQL_TYPES, Column, Source, normalise_header
from sepakat_dagster.paths import SEEDS_DIR

AUDIT_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists audit.quarantine (
    source varchar, file_name varchar, file_sha256 varchar, line_no bigint,
    field varchar, reason varchar, raw_line varchar
);
create table if not exists audit.source_loads (
    source varchar, file_name varchar, file_sha256 varchar, vintage date, rows_read bigint,
    rows_loaded bigint, rows_quarantined bigint, blank_lines bigint, loaded_at timestamp
);
"""

# A control character that never appears in text files: the line reader's "delimiter", so each line is one value.
_LINE_DELIMITER = "\x1f"
_VINTAGE = re.compile(r"_(\d{8}|\d{6}|\d{4})\.[^.]+$")
_EARLIEST_DATE = date(1900, 1, 1)


class UnusableFileError(ValueError):
    """The file as a whole cannot be loaded (missing, empty, wrong layout); nothing is written."""


@dataclass(frozen=True)
class LandedFile:
    path: Path
    name: str  # relative to the landing directory: safe to show, stable across machines
    vintage: date | None


@dataclass(frozen=True)
class LoadResult:
    source: str
    file_name: str
    sha256: str
    vintage: date | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    blank_lines: int
    quarantine_reasons: dict[str, int]
    unexpected_columns: tuple[str, ...]


def vintage_of(file_name: str) -> date | None:
    """The delivery period named in the file, taken as its last day (a monthly file covers the whole month)."""
    match = _VINTAGE.search(file_name)
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 8:
        return datetime.strptime(digits, "%Y%m%d").date()
    year = int(digits[:4])
    if len(digits) == 4:
        return date(year, 12, 31)
    month = int(digits[4:])
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(next_month.toordinal() - 1)


def find_landed_file(source: Source, landing_dir: Path) -> LandedFile:
    """The newest delivery of a source: highest vintage, then name, so the choice is deterministic."""
    candidates = sorted(landing_dir.glob(source.path))
    if not candidates:
        raise UnusableFileError(f"{source.name}: no file matching '{source.path}' in the landing directory")
    best = max(candidates, key=lambda p: (vintage_of(p.name) or date.min, p.name))
    return LandedFile(path=best, name=best.relative_to(landing_dir).as_posix(), vintage=vintage_of(best.name))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ensure_audit_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(AUDIT_DDL)


def _load_region_codes(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    """Region codes the loader accepts, from the same seeds dbt uses (one definition of 'known region')."""
    regions = _literal(str(seeds_dir / "ref_regions.csv"))
    crosswalk = _literal(str(seeds_dir / "ref_region_crosswalk_bps.csv"))
    con.execute(f"""
        create or replace temp table _region_codes as
        select 'kemendagri' as system, level, region_code as code
        from read_csv({regions}, header = true, all_varchar = true)
        union all
        select 'bps', level, bps_code from read_csv({crosswalk}, header = true, all_varchar = true)
    """)


def _read_lines(con: duckdb.DuckDBPyConnection, landed: LandedFile, encoding: str) -> None:
    """Make _lines(line_no, line) show every physical line and fill _line_rejects with lines that are not text.

    DuckDB drops rejected lines from the scan, so the ordinal of a kept line is shifted by the rejects before it;
    the ASOF join adds that shift back to give exact physical line numbers. A file without rejects (the usual
    case) needs no shift: _lines is then the scan itself, not a second copy of the file.
    """
    con.execute(
        "drop table if exists _reject_errors; drop table if exists _reject_scans;"
        " drop table if exists _shifted_lines"  # an earlier file's copy, which would only hold memory
    )
    con.execute(f"""
        create or replace temp table _ordinal_lines as
        select row_number() over () as k, line
        from read_csv({_literal(str(landed.path))}, columns = {{'line': 'VARCHAR'}}, header = false,
                      delim = '{_LINE_DELIMITER}', quote = '', escape = '', auto_detect = false,
                      strict_mode = false, parallel = false, encoding = {_literal(encoding)},
                      store_rejects = true, rejects_table = '_reject_errors', rejects_scan = '_reject_scans')
    """)
    con.execute("""
        create or replace temp table _line_rejects as
        select line as line_no, lower(error_type::varchar) as reason,
               regexp_replace(csv_line, '^[\\r\\n]+', '') as raw_line
        from _reject_errors
    """)
    if not con.execute("select count(*) from _line_rejects").fetchone()[0]:
        con.execute("create or replace temp view _lines as select k as line_no, line from _ordinal_lines")
        return
    con.execute("""
        create or replace temp table _shifted_lines as
        with shifts as (
            select line_no - row_number() over (order by line_no) as kept_before,
                   row_number() over (order by line_no) as rejects_so_far
            from _line_rejects
        ),
        steps as (select kept_before, max(rejects_so_far) as rejects_so_far from shifts group by kept_before)
        select o.k + coalesce(s.rejects_so_far, 0) as line_no, o.line
        from _ordinal_lines as o asof left join steps as s on o.k > s.kept_before
    """)
    con.execute("create or replace temp view _lines as select * from _shifted_lines")


def _trimmed(text: str) -> str:
    """SQL for trim(text), calling trim only where it can change something.

    trim walks every character looking for Unicode spaces and was most of the typing pass; in ASCII the only
    space it removes is ' ', so an ASCII value (as many bytes as characters) that neither starts nor ends with
    one is already trimmed.
    """
    return (
        f"case when starts_with({text}, ' ') or ends_with({text}, ' ') or strlen({text}) <> length({text})"
        f" then trim({text}) else {text} end"
    )


# A record is a line that is not blank (NULL, empty or only spaces).
_NON_BLANK = f"({_trimmed('line')}) <> ''"


def _split_lines(delimiter: str, quote: str, lines: str) -> str:
    """SQL for (line_no, fields, well_quoted) of each row of `lines` (line_no, line), split RFC 4180 style.

    The general split is a regex, then unquoting; it is the slow part of a quoted file, so two cheaper paths take
    the lines whose result they give exactly: a line without the quote character is a plain split, and a line
    whose fields are all quoted with no quote inside any of them (a Dapodik export) is a plain split of its
    inside on `"<delimiter>"`. well_quoted says whether the regex's fields rebuild the line: the regex skips what
    it cannot read, and such a line is malformed. Lines taken by the cheap paths rebuild by construction.
    """
    d = _literal(delimiter)
    if not quote:
        return f"select line_no, string_split(line, {d}) as fields, true as well_quoted from {lines}"
    q = _literal(quote)
    field_regex = f"(?:^|[{delimiter}])({quote}(?:[^{quote}]|{quote}{quote})*{quote}|[^{delimiter}{quote}]*)"
    unquoted = f"case when len(f) >= 2 and f[1] = {q} and f[-1] = {q} then replace(f[2:-2], {q} || {q}, {q}) else f end"
    quotes_in_line = f"strlen(line) - strlen(replace(line, {q}, ''))"
    return f"""
        select line_no,
               case when regex_fields is not null then list_transform(regex_fields, lambda f: {unquoted})
                    when all_quoted is not null then all_quoted
                    else string_split(line, {d}) end as fields,
               regex_fields is null or array_to_string(regex_fields, {d}) = line as well_quoted
        from (select line_no, line, all_quoted,
                     case when has_quote and all_quoted is null
                          then regexp_extract_all(line, {_literal(field_regex)}, 1) end as regex_fields
              from (select line_no, line, has_quote,
                           -- two quotes per piece surround it, so exactly two per piece means none inside one
                           case when {quotes_in_line} = 2 * len(pieces) then pieces end as all_quoted
                    from (select line_no, line, contains(line, {q}) as has_quote,
                                 case when strlen(line) >= 2 and starts_with(line, {q}) and ends_with(line, {q})
                                      then string_split(line[2:-2], {_literal(quote + delimiter + quote)}) end
                                     as pieces
                          from {lines})))
    """


def _read_header(con: duckdb.DuckDBPyConnection, source: Source, landed: LandedFile) -> list[str]:
    if con.execute("select count(*) from _line_rejects where line_no = 1").fetchone()[0]:
        raise UnusableFileError(f"{landed.name}: line 1 (header) is not valid {source.format.encoding} text")
    row = con.execute("select line from _lines where line_no = 1").fetchone()
    if row is None or not (row[0] or "").strip():
        raise UnusableFileError(f"{landed.name}: the file is empty (no header line)")
    header_line = "(select 1 as line_no, ? as line)"
    fields = con.execute(
        f"select fields from ({_split_lines(source.format.delimiter, source.format.quote, header_line)})", [row[0]]
    ).fetchone()[0]
    return [normalise_header(name) for name in fields]


def _fields_query(source: Source, header: list[str] | None, first_data_line: int) -> str:
    """SQL for (line_no, fields, _shape) of every record: its CSV fields, or its JSON values in catalogue order,
    and why the line as a whole is unreadable (NULL when it is not)."""
    records = f"(select line_no, line from _lines where line_no >= {first_data_line} and {_NON_BLANK})"
    if header is None:
        paths = ", ".join(_literal("$." + c.name) for c in source.columns)
        return f"""
            select line_no, case when is_object then json_extract_string(line, [{paths}]) end as fields,
                   case when not is_object then 'not a JSON object' end as _shape
            from (select line_no, line,
                         case when json_valid(line) then json_type(line) = 'OBJECT' else false end as is_object
                  from {records})
        """
    split = _split_lines(source.format.delimiter, source.format.quote, records)
    return f"""
        select line_no, fields,
               case when len(fields) <> {len(header)} then 'expected {len(header)} fields, found ' || len(fields)
                    when not well_quoted then 'malformed quoting' end as _shape
        from ({split})
    """


def _typed_expression(column: Column, value: str, typed_column: str, vintage: date | None) -> tuple[str, str]:
    """(typed value, failure reason or NULL) for one column: the typed value as SQL over its text value `value`,
    the reason over `value` and `typed_column`, where the query keeps the typed value (computed once)."""
    checks: list[tuple[str, str]] = []  # (condition on a non-null value that means failure, reason)
    t = typed_column
    if column.type == "varchar":
        typed = value
        if column.pattern:
            pattern = _literal(column.pattern)
            checks.append((f"not regexp_full_match({value}, {pattern})", "does not match the id pattern"))
    elif column.type == "integer":
        typed = f"try_cast({value} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null", "not an integer"))
    elif column.type == "double":
        typed = f"try_cast({value} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null or not isfinite({t})", "not a number"))
    elif column.type == "decimal_id":
        typed = f"try_cast(replace(replace({value}, '.', ''), ',', '.') as {SQL_TYPES[column.type]})"
        pattern = r"-?([0-9]{1,3}(\.[0-9]{3})*|[0-9]+)(,[0-9]+)?"
        checks.append((f"not regexp_full_match({value}, {_literal(pattern)})", "not a number in Indonesian format"))
    elif column.type in {"date", "timestamp"}:
        typed = f"try_strptime({value}, {_literal(column.format)})"
        typed = f"cast({typed} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null", f"not a valid {column.type} in format {column.format}"))
        checks.append((f"{t} < date '{_EARLIEST_DATE}'", "before 1900"))
        if vintage:
            checks.append((f"{t} > date '{vintage}' + interval 1 day", "after the file's vintage"))
    elif column.type in {"nik", "kk"}:
        typed = value
        checks.append((f"not regexp_full_match({value}, '[0-9]{{16}}')", "not 16 digits"))
        if column.type == "nik":
            checks.append((f"right({value}, 4) = '0000'", "serial 0000 is never issued"))
    else:  # region
        typed = value
        code = f"replace({value}, '.', '')" if column.style == "dotted" else value
        shape = r"[0-9]{2}(\.[0-9]{2}){1,2}(\.[0-9]{4})?" if column.style == "dotted" else "[0-9]+"
        level = "" if column.level == "any" else f" and level = {_literal(column.level)}"
        checks.append((f"not regexp_full_match({value}, {_literal(shape)})", f"not a {column.style} region code"))
        checks.append((
            f"{code} not in (select code from _region_codes where system = {_literal(column.system)}{level})",
            f"unknown {column.system} {column.level} code",
        ))
    if column.min is not None:
        checks.append((f"{t} < {column.min}", f"below the minimum {column.min:g}"))
    if column.max is not None:
        checks.append((f"{t} > {column.max}", f"above the maximum {column.max:g}"))
    branches = "".join(f" when {condition} then {_literal(reason)}" for condition, reason in checks)
    missing = _literal("missing required value") if column.required else "null"
    return typed, f"case when {value} is null then {missing}{branches} else null end"


def _checked_query(source: Source, header: list[str] | None, first_data_line: int, vintage: date | None) -> str:
    """SQL for (line_no, _shape, typed columns, _errors) of every record; _errors lists the failed (field, reason)
    of a readable line and is NULL when there are none.

    Each layer computes a value once for the next (text, then typed, then reasons): trim, casts and date parsing
    repeated inside every check were most of the cost. The list of failures is built only for failing lines.
    """
    positions = (
        {c.name: header.index(c.name) + 1 for c in source.columns}
        if header is not None
        else {c.name: i + 1 for i, c in enumerate(source.columns)}
    )
    texts, typed, reasons = [], [], []
    for column in source.columns:
        text = f"_text_{column.name}"
        typed_sql, reason = _typed_expression(column, text, column.name, vintage)
        texts.append(f"nullif({_trimmed(f'fields[{positions[column.name]}]')}, '') as {text}")
        typed.append(f"{typed_sql} as {column.name}")
        reasons.append(reason)
    names = ", ".join(c.name for c in source.columns)
    reason_names = [f"_reason_{i}" for i in range(len(reasons))]
    failures = ", ".join(
        f"{{'field': {_literal(c.name)}, 'reason': {r}}}" for c, r in zip(source.columns, reason_names, strict=True)
    )
    return f"""
        select line_no, _shape, {names},
               case when _shape is null and coalesce({", ".join(reason_names)}) is not null
                    then list_filter([{failures}], lambda e: e.reason is not null) end as _errors
        from (select line_no, _shape, {names},
                     {", ".join(f"{r} as {n}" for r, n in zip(reasons, reason_names, strict=True))}
              from (select *, {", ".join(typed)}
                    from (select line_no, _shape, {", ".join(texts)}
                          from ({_fields_query(source, header, first_data_line)}))))
    """


def _quarantine_rows(source: Source, landed: LandedFile, sha256: str, header: list[str] | None) -> str:
    """One SQL union of every quarantined (line, field, reason, raw line), from each stage that can reject.

    Only the rejects keep their raw line on the way; the others take theirs from _lines at the end, so the
    line is not carried through every stage for the few that need it.
    """
    file_cols = f"{_literal(source.name)}, {_literal(landed.name)}, {_literal(sha256)}"
    return f"""
        select {file_cols}, line_no, null, reason, raw_line from _line_rejects where line_no > {1 if header else 0}
        union all select {file_cols}, failed.line_no, failed.field, failed.reason, l.line
        from (select line_no, null as field, _shape as reason from _checked where _shape is not null
              union all select line_no, e.field, e.reason
                  from (select line_no, unnest(_errors) as e from _checked where _errors is not null)
              union all select c.line_no, {_literal(', '.join(source.key))},
                  'duplicate key, first seen at line ' || d._first_line
                  from _checked as c join _duplicates as d on {_key_match(source)}
                  where c._shape is null and c._errors is null and c.line_no <> d._first_line
        ) as failed join _lines as l using (line_no)
    """


def _key_match(source: Source) -> str:
    """Join condition of _checked (c) on _duplicates (d); NULL keys match, as they fall in one GROUP BY group."""
    return " and ".join(f"c.{k} is not distinct from d.{k}" for k in source.key)


def load_source(
    con: duckdb.DuckDBPyConnection, source: Source, landed: LandedFile, seeds_dir: Path = SEEDS_DIR
) -> LoadResult:
    """Replace raw.<source> with the valid rows of `landed` and audit.quarantine's rows for it with the rest."""
    con.execute("set enable_progress_bar = false")  # it would print into Dagster's captured logs
    ensure_audit_tables(con)
    _load_region_codes(con, seeds_dir)
    sha256 = file_sha256(landed.path)
    _read_lines(con, landed, source.format.encoding)
    is_csv = source.format.type == "csv"
    header = _read_header(con, source, landed) if is_csv else None
    unexpected: tuple[str, ...] = ()
    if header is not None:
        expected = [c.name for c in source.columns]
        missing = [name for name in expected if name not in header]
        if missing:
            raise UnusableFileError(
                f"{landed.name}: missing required columns {', '.join(missing)}"
                f" (is the delimiter {source.format.delimiter!r}?)"
            )
        duplicated = sorted({name for name in header if header.count(name) > 1})
        if duplicated:
            raise UnusableFileError(f"{landed.name}: columns named twice: {', '.join(duplicated)}")
        unexpected = tuple(name for name in header if name not in expected)

    first_data_line = 2 if is_csv else 1
    con.execute(
        f"create or replace temp table _checked as {_checked_query(source, header, first_data_line, landed.vintage)}"
    )
    # Keys seen on more than one valid line, with the line that keeps the key: a handful of rows, where a window
    # over every row and column cost more than the typing itself.
    key = ", ".join(source.key)
    con.execute(f"""
        create or replace temp table _duplicates as
        select {key}, min(line_no) as _first_line from _checked
        where _shape is null and _errors is null group by {key} having count(*) > 1
    """)

    records = con.execute("select count(*) from _checked").fetchone()[0]
    lines, rejects = con.execute(f"""
        select (select count(*) from _lines where line_no >= {first_data_line}),
               (select count(*) from _line_rejects where line_no >= {first_data_line})
    """).fetchone()
    rows_read, blank_lines = records + rejects, lines - records  # count_records' figures, without re-testing lines
    con.execute("begin transaction")
    try:
        columns = ", ".join(f"c.{c.name}" for c in source.columns)
        con.execute(f"""
            create or replace table raw.{source.name} as
            select {columns}, {_literal(landed.name)} as _source_file, c.line_no as _source_line
            from _checked as c left join _duplicates as d on {_key_match(source)}
            where c._shape is null and c._errors is null and coalesce(d._first_line, c.line_no) = c.line_no
            order by c.line_no
        """)
        con.execute("delete from audit.quarantine where source = ?", [source.name])
        con.execute(f"insert into audit.quarantine {_quarantine_rows(source, landed, sha256, header)}")
        rows_loaded = con.execute(f"select count(*) from raw.{source.name}").fetchone()[0]
        reasons_found = dict(
            con.execute(
                "select coalesce(field || ': ', '') || reason, count(*) from audit.quarantine where source = ?"
                " group by all order by 2 desc, 1",
                [source.name],
            ).fetchall()
        )
        rows_quarantined = con.execute(
            "select count(distinct line_no) from audit.quarantine where source = ?", [source.name]
        ).fetchone()[0]
        _refuse_mostly_bad(source, landed, rows_read, rows_quarantined, reasons_found)
        con.execute(
            "insert into audit.source_loads values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
            [source.name, landed.name, sha256, landed.vintage, rows_read, rows_loaded, rows_quarantined,
             blank_lines],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return LoadResult(
        source=source.name,
        file_name=landed.name,
        sha256=sha256,
        vintage=landed.vintage,
        rows_read=rows_read,
        rows_loaded=rows_loaded,
        rows_quarantined=rows_quarantined,
        blank_lines=blank_lines,
        quarantine_reasons=reasons_found,
        unexpected_columns=unexpected,
    )


def _refuse_mostly_bad(
    source: Source, landed: LandedFile, rows_read: int, rows_quarantined: int, reasons: dict[str, int]
) -> None:
    if rows_read == 0:
        raise UnusableFileError(f"{landed.name}: the file has no data rows")
    share = rows_quarantined / rows_read
    if share > source.max_quarantine_share:
        top = "; ".join(f"{reason} ({count})" for reason, count in list(reasons.items())[:3])
        raise UnusableFileError(
            f"{landed.name}: {rows_quarantined} of {rows_read} rows ({share:.0%}) failed validation, above the "
            f"{source.max_quarantine_share:.0%} limit; most common: {top}. Is the file in the declared format?"
        )


def count_records(con: duckdb.DuckDBPyConnection, first_data_line: int) -> tuple[int, int]:
    """(records, blank lines) in the file last read into _lines: what 'rows read' means for conservation."""
    return con.execute(f"""
        select count(*) filter (where {_NON_BLANK})
                   + (select count(*) from _line_rejects where line_no >= {first_data_line}),
               count(*) - count(*) filter (where {_NON_BLANK})
        from _lines where line_no >= {first_data_line}
    """).fetchone()


def recount_file(con: duckdb.DuckDBPyConnection, source: Source, landed: LandedFile) -> int:
    """Records in a landed file, read afresh: the independent side of the conservation check."""
    _read_lines(con, landed, source.format.encoding)
    return count_records(con, 2 if source.format.type == "csv" else 1)[0]


def preview_rows(con: duckdb.DuckDBPyConnection, source: Source, limit: int = 5) -> list[dict]:
    """A few loaded rows with personal columns left out, safe for Dagster metadata."""
    shown = [c.name for c in source.columns if not is_personal_column(c.name)]
    rows = con.execute(
        f"select {', '.join(shown)} from raw.{source.name} order by _source_line limit {limit}"
    ).fetchall()
    return [dict(zip(shown, row, strict=True)) for row in rows]
