"""How a UTF-8 file's physical lines become records: DuckDB reads the lines with their exact line numbers, lines a
quoted field with line breaks spans are joined into one RFC 4180 record (JSON Lines: one record per line), and
SQL splits a CSV record into its fields.

Kept apart from the load because it is the one place that knows CSV quoting: the load receives records and
fields, numbered by the line where they start, and never parses quotes or line breaks itself. Only lines with an
odd number of quotes pass through Python, to be paired; the rest of the file stays in DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from sepakat_dagster.defs.sources.catalog import Source
from sepakat_dagster.defs.sources.file_bytes import LINE_DELIMITER

# A quoted field may hold line breaks, but a quote left open is more often a stray quote than a 50-line address:
# a record may span at most this many physical lines, after which its first line is quarantined alone.
MAX_RECORD_LINES = 50


def sql_literal(text: str) -> str:
    """`text` as a SQL string literal: the loader's queries are built as text, with paths, delimiters and reasons
    quoted into them."""
    return "'" + text.replace("'", "''") + "'"


def _in_class(character: str) -> str:
    """`character` as a member of a regex character class."""
    return "\\" + character if character in "]\\^-[" else character


def read_lines(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Make _lines(line_no, line) show every physical line of the UTF-8 file `path` and fill _line_rejects with
    the lines that are not text.

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
        from read_csv({sql_literal(str(path))}, columns = {{'line': 'VARCHAR'}}, header = false,
                      delim = {sql_literal(LINE_DELIMITER)}, quote = '', escape = '', auto_detect = false,
                      strict_mode = false, parallel = false, encoding = 'utf-8',
                      store_rejects = true, rejects_table = '_reject_errors', rejects_scan = '_reject_scans')
    """)
    con.execute("""
        create or replace temp table _line_rejects as
        select line as line_no,
               lower(error_type::varchar) as reason,
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


def _quote_regexes(delimiter: str, quote: str) -> tuple[str, str]:
    """(opens, closes): full-match regexes for a line that starts a record and ends inside a quoted field, and a
    line that starts inside a quoted field and ends the record (RFC 4180: a quote inside a quoted field is doubled).
    """
    d, q = _in_class(delimiter), _in_class(quote)
    inside = f"(?:[^{q}]|[{q}][{q}])*"
    field = f"(?:[{q}]{inside}[{q}]|[^{d}{q}]*)"
    return f"(?:{field}[{d}])*[{q}]{inside}", f"{inside}[{q}](?:[{d}]{field})*"


def _pair_quotes(lines: list[int], opens: list[bool], closes: list[bool]) -> tuple[list[int], list[int], list[int]]:
    """(record starts, record ends, unterminated starts) from the lines with an odd number of quotes, in order.

    A line that can open a quoted field opens a record; the next odd line closes it when it can, within
    MAX_RECORD_LINES; every even line in between is inside the field. A quote left open (no closing line, or too
    far) quarantines only its own line, and the lines after it are read as records of their own. An odd line
    that cannot open a field (a stray quote inside a value) stays one record: its quoting is malformed.
    """
    starts: list[int] = []
    ends: list[int] = []
    unterminated: list[int] = []
    open_at: int | None = None
    for line_no, can_open, can_close in zip(lines, opens, closes, strict=True):
        if open_at is not None and line_no - open_at >= MAX_RECORD_LINES:
            unterminated.append(open_at)
            open_at = None
        if open_at is None:
            if can_open:
                open_at = line_no
        elif can_close:
            starts.append(open_at)
            ends.append(line_no)
            open_at = None
        else:
            unterminated.append(open_at)
            open_at = line_no if can_open else None
    if open_at is not None:
        unterminated.append(open_at)
    return starts, ends, unterminated


def read_records(con: duckdb.DuckDBPyConnection, source: Source) -> int:
    """Make _records(line_no, line, _note) show every record DuckDB read as text, _record_rejects(line_no, reason,
    raw_line) every record it could not, and _continued(line_no) the lines that continue a record; returns the
    number of records that span several lines.

    A record is a physical line, or (CSV) the lines a quoted field with line breaks spans, joined with LF and
    numbered by its first line. Only lines with an odd number of quotes can start or end such a record: they are
    few, and only they pass through Python to be paired; the rest of the file stays in DuckDB. _note says why a
    record is unreadable as a whole (a quote left open), NULL when it is not.
    """
    con.execute("drop table if exists _multi_line; drop table if exists _span_lines; drop table if exists _open")
    quote = source.format.quote if source.format.type == "csv" else ""
    odd: dict[str, list] = {"line_no": [], "opens": [], "closes": []}
    if quote:
        opens, closes = _quote_regexes(source.format.delimiter, quote)
        q = sql_literal(quote)
        odd = con.sql(f"""
            select line_no, regexp_full_match(text, {sql_literal(opens)}) as opens,
                   regexp_full_match(text, {sql_literal(closes)}) as closes
            from (select line_no, line as text from _lines where contains(line, {q})
                  union all select line_no, raw_line from _line_rejects where contains(raw_line, {q}))
            where (strlen(text) - strlen(replace(text, {q}, ''))) % 2 = 1
            order by line_no
        """).to_arrow_table().to_pydict()
    starts, ends, unterminated = _pair_quotes(odd["line_no"], odd["opens"], odd["closes"])
    if not starts and not unterminated:  # the usual file: every record is one line
        con.execute("create or replace temp view _records as select line_no, line, null::varchar as _note from _lines")
        con.execute("create or replace temp view _record_rejects as select * from _line_rejects")
        con.execute("create or replace temp view _continued as select null::bigint as line_no where false")
        return 0
    spans = pa.table({"start_line": pa.array(starts, pa.int64()), "end_line": pa.array(ends, pa.int64())})
    still_open = pa.table({"line_no": pa.array(unterminated, pa.int64())})
    con.register("_spans_arrow", spans)
    con.register("_open_arrow", still_open)
    try:
        con.execute("""
            create or replace temp table _span_lines as
            select unnest(range(start_line, end_line + 1)) as line_no, start_line from _spans_arrow
        """)
        con.execute("create or replace temp table _open as select line_no from _open_arrow")
    finally:
        con.unregister("_spans_arrow")
        con.unregister("_open_arrow")
    con.execute("""
        create or replace temp table _multi_line as
        select start_line as line_no, string_agg(text, chr(10) order by line_no) as line,
               min(reason) as reason
        from (select s.line_no, s.start_line, coalesce(l.line, '') as text, null as reason
              from _span_lines as s join _lines as l using (line_no)
              union all
              select s.line_no, s.start_line, r.raw_line, r.reason
              from _span_lines as s join _line_rejects as r using (line_no))
        group by start_line
    """)
    note = sql_literal(f"quoted field not closed within {MAX_RECORD_LINES} lines")
    con.execute(f"""
        create or replace temp view _records as
        select line_no, line, case when line_no in (select line_no from _open) then {note} end as _note
        from _lines where line_no not in (select line_no from _span_lines)
        union all select line_no, line, null from _multi_line where reason is null
    """)
    con.execute("""
        create or replace temp view _record_rejects as
        select * from _line_rejects where line_no not in (select line_no from _span_lines)
        union all select line_no, reason, line from _multi_line where reason is not null
    """)
    con.execute("create or replace temp view _continued as select line_no from _span_lines where line_no <> start_line")
    return len(starts)


def split_fields(delimiter: str, quote: str, lines: str) -> str:
    """SQL for (line_no, fields, well_quoted, <other columns of `lines`>) of each row of `lines` (line_no, line,
    ...), split RFC 4180 style.

    The general split is a regex, then unquoting; it is the slow part of a quoted file, so two cheaper paths take
    the lines whose result they give exactly: a line without the quote character is a plain split, and a line
    whose fields are all quoted with no quote inside any of them (a Dapodik export) is a plain split of its
    inside on `"<delimiter>"`. well_quoted says whether the regex's fields rebuild the line: the regex skips what
    it cannot read, and such a line is malformed. Lines taken by the cheap paths rebuild by construction.
    """
    d = sql_literal(delimiter)
    if not quote:
        return f"select * exclude (line), string_split(line, {d}) as fields, true as well_quoted from {lines}"
    q = sql_literal(quote)
    dc, qc = _in_class(delimiter), _in_class(quote)
    field_regex = f"(?:^|[{dc}])([{qc}](?:[^{qc}]|[{qc}][{qc}])*[{qc}]|[^{dc}{qc}]*)"
    unquoted = f"case when len(f) >= 2 and f[1] = {q} and f[-1] = {q} then replace(f[2:-2], {q} || {q}, {q}) else f end"
    quotes_in_line = f"strlen(line) - strlen(replace(line, {q}, ''))"
    return f"""
        select * exclude (line, all_quoted, regex_fields, has_quote, pieces),
               case when regex_fields is not null then list_transform(regex_fields, lambda f: {unquoted})
                    when all_quoted is not null then all_quoted
                    else string_split(line, {d}) end as fields,
               regex_fields is null or array_to_string(regex_fields, {d}) = line as well_quoted
        from (select *,
                     case when has_quote and all_quoted is null
                          then regexp_extract_all(line, {sql_literal(field_regex)}, 1) end as regex_fields
              from (select *,
                           -- two quotes per piece surround it, so exactly two per piece means none inside one
                           case when {quotes_in_line} = 2 * len(pieces) then pieces end as all_quoted
                    from (select *, contains(line, {q}) as has_quote,
                                 case when strlen(line) >= 2 and starts_with(line, {q}) and ends_with(line, {q})
                                      then string_split(line[2:-2], {sql_literal(quote + delimiter + quote)}) end
                                     as pieces
                          from {lines})))
    """

