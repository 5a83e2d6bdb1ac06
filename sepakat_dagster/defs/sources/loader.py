"""Load one landing file into raw.<source>; every record that fails structural validation goes to audit.quarantine.

The load itself: which delivery to load (its vintage), the header check, typing and validating every field in SQL,
duplicate keys, and one transaction that writes raw.<source>, audit.quarantine and audit.source_loads; with the
recount the conservation check makes and the preview Dagster shows. The file's bytes are read by `file_bytes`
(encodings, a UTF-8 copy when needed) and its records by `records` (lines joined where a quoted field holds a line
break), so a province-size file never passes through Python and every rejected record can be reported by file,
record, line and field. Messages and reasons name columns and rules, never values: the raw record is kept only in
the quarantine table. The rest of the code imports its entry points from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from sepakat_dagster.defs.personal import is_personal_column
from sepakat_dagster.defs.sources import geometry
from sepakat_dagster.defs.sources.catalog import SQL_TYPES, Column, Source, normalise_header
from sepakat_dagster.defs.sources.file_bytes import Decoding, detect_decoding, scan_file, utf8_file
from sepakat_dagster.defs.sources.records import read_lines, read_records, split_fields, sql_literal
from sepakat_dagster.paths import SEEDS_DIR

AUDIT_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists audit.quarantine (
    source varchar, file_name varchar, file_sha256 varchar, line_no bigint,
    field varchar, reason varchar, raw_line varchar, record_no bigint
);
create table if not exists audit.source_loads (
    source varchar, file_name varchar, file_sha256 varchar, vintage date, rows_read bigint,
    rows_loaded bigint, rows_quarantined bigint, blank_lines bigint, loaded_at timestamp, encoding varchar
);
"""
# Columns added since the audit tables were first made: a warehouse made before gets them on its next load.
_AUDIT_COLUMNS_ADDED = (("quarantine", "record_no", "bigint"), ("source_loads", "encoding", "varchar"))

# Characters that are not text: C0 controls but tab, CR and LF (a line break is kept only inside a quoted field),
# DEL and the C1 controls (which a windows-1252 file declared as iso-8859-1 would bring in place of € or “”).
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
_CONTROL_NAMES = {0: "NUL", 127: "DEL"}
SCIENTIFIC_NOTATION_REASON = "a spreadsheet converted the number to scientific notation (digits lost)"
_SCIENTIFIC = r"[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+"
# A JSON string can also hold a control character as an escape (\u0000): lines with one are checked field by field.
_JSON_CONTROL_ESCAPE = r"\\u00[0189][0-9a-fA-F]|\\u007[fF]"
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
    rows_read: int  # data records (not physical lines): rows_loaded + rows_quarantined
    rows_loaded: int
    rows_quarantined: int
    blank_lines: int
    quarantine_reasons: dict[str, int]
    unexpected_columns: tuple[str, ...]
    encoding: str = "utf-8"  # how the file was decoded, and why (Decoding.label)
    multi_line_records: int = 0  # records whose quoted fields hold line breaks


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


def is_delivered(source: Source, landing_dir: Path) -> bool:
    """Whether any file matches the source's pattern (an optional source may have none)."""
    return any(landing_dir.glob(source.path))


def find_landed_file(source: Source, landing_dir: Path) -> LandedFile:
    """The newest delivery of a source: highest vintage, then name, so the choice is deterministic."""
    candidates = sorted(landing_dir.glob(source.path))
    if not candidates:
        raise UnusableFileError(f"{source.name}: no file matching '{source.path}' in the landing directory")
    best = max(candidates, key=lambda p: (vintage_of(p.name) or date.min, p.name))
    return LandedFile(path=best, name=best.relative_to(landing_dir).as_posix(), vintage=vintage_of(best.name))


def ensure_audit_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(AUDIT_DDL)
    for table, column, sql_type in _AUDIT_COLUMNS_ADDED:
        present = con.execute(
            "select count(*) from information_schema.columns where table_schema = 'audit' and table_name = ?"
            " and column_name = ?",
            [table, column],
        ).fetchone()[0]
        if not present:
            con.execute(f"alter table audit.{table} add column {column} {sql_type}")


def _load_region_codes(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    """Region codes the loader accepts, from the same seeds dbt uses (one definition of 'known region')."""
    regions = sql_literal(str(seeds_dir / "ref_regions.csv"))
    crosswalk = sql_literal(str(seeds_dir / "ref_region_crosswalk_bps.csv"))
    con.execute(f"""
        create or replace temp table _region_codes as
        select 'kemendagri' as system, level, region_code as code
        from read_csv({regions}, header = true, all_varchar = true)
        union all
        select 'bps', level, bps_code from read_csv({crosswalk}, header = true, all_varchar = true)
    """)


def _control_reason_sql(character: str) -> str:
    """SQL for the reason given for the control character `character` (SQL, one character): its code point and,
    for the common ones, its name; never the value around it."""
    names = "".join(f" when {point} then ' ({name})'" for point, name in _CONTROL_NAMES.items())
    code = f"unicode({character})"
    return f"'control character ' || printf('U+%04X', {code}) || case {code}{names} else '' end"


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


def _read_header(con: duckdb.DuckDBPyConnection, source: Source, landed: LandedFile, decoding: Decoding) -> list[str]:
    if con.execute("select count(*) from _record_rejects where line_no = 1").fetchone()[0]:
        raise UnusableFileError(f"{landed.name}: line 1 (header) is not valid {decoding.label} text")
    row = con.execute("select line from _records where line_no = 1").fetchone()
    if row is None or not (row[0] or "").strip():
        raise UnusableFileError(f"{landed.name}: the file is empty (no header line)")
    header_line = "(select 1 as line_no, ? as line)"
    fields = con.execute(
        f"select fields from ({split_fields(source.format.delimiter, source.format.quote, header_line)})", [row[0]]
    ).fetchone()[0]
    return [normalise_header(name) for name in fields]


def _fields_query(source: Source, header: list[str] | None, first_data_line: int, check_control: bool) -> str:
    """SQL for (line_no, fields, _shape, _control_field, _control_reason) of every record: its CSV fields, or its
    JSON values in catalogue order; why the record as a whole is unreadable (NULL when it is not); and the first
    control character in it, with the field that holds it (looked for only when `check_control`)."""
    control = sql_literal(_CONTROL)
    records = f"(select line_no, line, _note from _records where line_no >= {first_data_line} and {_NON_BLANK})"
    if check_control:
        # A record with a control character (JSON: or an escape that may be one) is looked at field by field.
        pattern = sql_literal(_CONTROL + "|" + _JSON_CONTROL_ESCAPE) if header is None else control
        records = f"""(select *, case when _suspect then nullif(regexp_extract(line, {control}), '') end
                                 as _line_control
                       from (select *, regexp_matches(line, {pattern}) as _suspect from {records}))"""
    if header is None:
        names = [c.name for c in source.columns]
        paths = ", ".join(sql_literal("$." + c.name) for c in source.columns)
        split = f"""
            select * exclude (line, is_object, _note),
                   case when is_object then json_extract_string(line, [{paths}]) end as fields,
                   coalesce(_note, case when not is_object then 'not a JSON object' end) as _shape
            from (select *,
                         case when json_valid(line) then json_type(line) = 'OBJECT' else false end as is_object
                  from {records})
        """
    else:
        names = header
        split = f"""
            select * exclude (fields, well_quoted, _note), fields,
                   coalesce(_note, case when len(fields) <> {len(header)}
                                        then 'expected {len(header)} fields, found ' || len(fields)
                                        when not well_quoted then 'malformed quoting' end) as _shape
            from ({split_fields(source.format.delimiter, source.format.quote, records)})
        """
    if not check_control:
        return f"""
            select line_no, fields, _shape, null::varchar as _control_field, null::varchar as _control_reason
            from ({split})
        """
    name_list = "[" + ", ".join(sql_literal(n) for n in names) + "]"
    return f"""
        select line_no, fields, _shape,
               case when _position is not null and len(fields) = {len(names)} then {name_list}[_position]
               end as _control_field,
               case when _character is not null then {_control_reason_sql('_character')} end as _control_reason
        from (select *, coalesce(nullif(regexp_extract(fields[_position], {control}), ''), _line_control)
                        as _character
              from (select *,
                           case when _suspect
                                then list_position(list_transform(fields, lambda f:
                                                   coalesce(regexp_matches(f, {control}), false)), true)
                           end as _position
                    from ({split})))
    """


def _typed_expression(column: Column, value: str, typed_column: str, vintage: date | None) -> tuple[str, str]:
    """(typed value, failure reason or NULL) for one column: the typed value as SQL over its text value `value`,
    the reason over `value` and `typed_column`, where the query keeps the typed value (computed once)."""
    checks: list[tuple[str, str]] = []  # (condition on a non-null value that means failure, reason as SQL)
    t = typed_column
    # A spreadsheet that read an identifier as a number shows it as 5.30101E+15: its last digits are gone.
    scientific = f"regexp_full_match({value}, {sql_literal(_SCIENTIFIC)})"

    def or_scientific(reason: str) -> str:
        return f"case when {scientific} then {sql_literal(SCIENTIFIC_NOTATION_REASON)} else {sql_literal(reason)} end"

    if column.type == "varchar":
        typed = value
        if column.pattern:
            pattern = sql_literal(column.pattern)
            checks.append(
                (f"not regexp_full_match({value}, {pattern})", or_scientific("does not match the id pattern"))
            )
    elif column.type == "integer":
        typed = f"try_cast({value} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null", sql_literal("not an integer")))
    elif column.type == "double":
        typed = f"try_cast({value} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null or not isfinite({t})", sql_literal("not a number")))
    elif column.type == "decimal_id":
        typed = f"try_cast(replace(replace({value}, '.', ''), ',', '.') as {SQL_TYPES[column.type]})"
        pattern = r"-?([0-9]{1,3}(\.[0-9]{3})*|[0-9]+)(,[0-9]+)?"
        checks.append((f"not regexp_full_match({value}, {sql_literal(pattern)})",
                       sql_literal("not a number in Indonesian format")))
    elif column.type in {"date", "timestamp"}:
        typed = f"try_strptime({value}, {sql_literal(column.format)})"
        typed = f"cast({typed} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null", sql_literal(f"not a valid {column.type} in format {column.format}")))
        checks.append((f"{t} < date '{_EARLIEST_DATE}'", sql_literal("before 1900")))
        if vintage:
            checks.append((f"{t} > date '{vintage}' + interval 1 day", sql_literal("after the file's vintage")))
    elif column.type in {"nik", "kk"}:
        typed = value
        checks.append((f"not regexp_full_match({value}, '[0-9]{{16}}')", or_scientific("not 16 digits")))
        if column.type == "nik":
            checks.append((f"right({value}, 4) = '0000'", sql_literal("serial 0000 is never issued")))
    elif column.type == "polygon":
        typed = value
        problem = f"{geometry.FUNCTION}({value})"
        checks.append((f"{problem} is not null", problem))
    else:  # region
        typed = value
        code = f"replace({value}, '.', '')" if column.style == "dotted" else value
        shape = r"[0-9]{2}(\.[0-9]{2}){1,2}(\.[0-9]{4})?" if column.style == "dotted" else "[0-9]+"
        level = "" if column.level == "any" else f" and level = {sql_literal(column.level)}"
        checks.append((f"not regexp_full_match({value}, {sql_literal(shape)})",
                       sql_literal(f"not a {column.style} region code")))
        checks.append((
            f"{code} not in (select code from _region_codes where system = {sql_literal(column.system)}{level})",
            sql_literal(f"unknown {column.system} {column.level} code"),
        ))
    if column.min is not None:
        checks.append((f"{t} < {column.min}", sql_literal(f"below the minimum {column.min:g}")))
    if column.max is not None:
        checks.append((f"{t} > {column.max}", sql_literal(f"above the maximum {column.max:g}")))
    branches = "".join(f" when {condition} then {reason}" for condition, reason in checks)
    missing = sql_literal("missing required value") if column.required else "null"
    return typed, f"case when {value} is null then {missing}{branches} else null end"


def _checked_query(
    source: Source, header: list[str] | None, first_data_line: int, vintage: date | None, check_control: bool = True
) -> str:
    """SQL for (line_no, _shape, typed columns, _errors, _control_field, _control_reason) of every record; _errors
    lists the failed (field, reason) of a readable record and is NULL when there are none.

    Each layer computes a value once for the next (text, then typed, then reasons): trim, casts and date parsing
    repeated inside every check were most of the cost. The list of failures is built only for failing records.
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
        f"{{'field': {sql_literal(c.name)}, 'reason': {r}}}" for c, r in zip(source.columns, reason_names, strict=True)
    )
    control = "_control_field, _control_reason"
    return f"""
        select line_no, _shape, {names},
               case when _shape is null and coalesce({", ".join(reason_names)}) is not null
                    then list_filter([{failures}], lambda e: e.reason is not null) end as _errors,
               {control}
        from (select line_no, _shape, {names}, {control},
                     {", ".join(f"{r} as {n}" for r, n in zip(reasons, reason_names, strict=True))}
              from (select *, {", ".join(typed)}
                    from (select line_no, _shape, {control}, {", ".join(texts)}
                          from ({_fields_query(source, header, first_data_line, check_control)}))))
    """


def _valid(alias: str = "") -> str:
    """SQL: the _checked record (with table alias `alias`) passed every check but the key's."""
    prefix = f"{alias}." if alias else ""
    return " and ".join(f"{prefix}{column} is null" for column in ("_shape", "_errors", "_control_reason"))


def _quarantine_rows(source: Source, landed: LandedFile, sha256: str, header: list[str] | None) -> str:
    """One SQL union of every quarantined (line, field, reason, raw record), from each stage that can reject.

    Only the rejects keep their raw record on the way; the others take theirs from _records at the end, so the
    record is not carried through every stage for the few that need it.
    """
    file_cols = f"{sql_literal(source.name)}, {sql_literal(landed.name)}, {sql_literal(sha256)}"
    return f"""
        select {file_cols}, line_no, null, reason, raw_line from _record_rejects where line_no > {1 if header else 0}
        union all select {file_cols}, failed.line_no, failed.field, failed.reason, r.line
        from (select line_no, null as field, _shape as reason from _checked where _shape is not null
              union all select line_no, e.field, e.reason
                  from (select line_no, unnest(_errors) as e from _checked where _errors is not null)
              union all select line_no, _control_field, _control_reason from _checked
                  where _control_reason is not null
              union all select c.line_no, {sql_literal(', '.join(source.key))},
                  'duplicate key, first seen at line ' || d._first_line
                  from _checked as c join _duplicates as d on {_key_match(source)}
                  where {_valid('c')} and c.line_no <> d._first_line
        ) as failed join _records as r using (line_no)
    """


def _key_match(source: Source) -> str:
    """Join condition of _checked (c) on _duplicates (d); NULL keys match, as they fall in one GROUP BY group."""
    return " and ".join(f"c.{k} is not distinct from d.{k}" for k in source.key)


def _numbered(quarantine: str, first_data_line: int, gaps: bool) -> str:
    """`quarantine` (source, file, sha, line_no, field, reason, raw_line) with each record's number: its line
    among the data lines, less the blank and continuation lines before it (_gaps, when `gaps`)."""
    if not gaps:
        return f"select *, line_no - {first_data_line - 1} as record_no from ({quarantine})"
    return f"""
        select q.*, q.line_no - {first_data_line - 1} - coalesce(g.gaps_before, 0) as record_no
        from ({quarantine}) as q asof left join _gaps as g on q.line_no > g.line_no
    """


def load_source(
    con: duckdb.DuckDBPyConnection, source: Source, landed: LandedFile, seeds_dir: Path = SEEDS_DIR
) -> LoadResult:
    """Replace raw.<source> with the valid records of `landed` and audit.quarantine's rows for it with the rest."""
    con.execute("set enable_progress_bar = false")  # it would print into Dagster's captured logs
    ensure_audit_tables(con)
    _load_region_codes(con, seeds_dir)
    if any(column.type == "polygon" for column in source.columns):
        geometry.register(con)
    scan = scan_file(landed.path)
    sha256 = scan.sha256
    decoding = detect_decoding(landed.path, source.format.encoding)
    with utf8_file(con, landed.path, decoding, scan) as readable:
        read_lines(con, readable.path)
    is_csv = source.format.type == "csv"
    # Looking for control characters costs a regex over every record: only where the bytes may hold one.
    may_hold_control = readable.findings.control or (not is_csv and readable.findings.escapes)
    multi_line_records = read_records(con, source)
    header = _read_header(con, source, landed, decoding) if is_csv else None
    unexpected: tuple[str, ...] = ()
    if header is not None:
        expected = [c.name for c in source.columns]
        missing = [name for name in expected if name not in header]
        if missing:
            raise UnusableFileError(
                f"{landed.name}: missing required columns {', '.join(missing)}"
                f" (is the delimiter {source.format.delimiter!r}? the file was read as {decoding.label})"
            )
        duplicated = sorted({name for name in header if header.count(name) > 1})
        if duplicated:
            raise UnusableFileError(f"{landed.name}: columns named twice: {', '.join(duplicated)}")
        unexpected = tuple(name for name in header if name not in expected)

    first_data_line = 2 if is_csv else 1
    con.execute(
        "create or replace temp table _checked as "
        + _checked_query(source, header, first_data_line, landed.vintage, may_hold_control)
    )
    # Keys seen on more than one valid record, with the line that keeps the key: a handful of rows, where a window
    # over every row and column cost more than the typing itself.
    key = ", ".join(source.key)
    con.execute(f"""
        create or replace temp table _duplicates as
        select {key}, min(line_no) as _first_line from _checked
        where {_valid()} group by {key} having count(*) > 1
    """)

    records = con.execute("select count(*) from _checked").fetchone()[0]
    lines, rejects, continued = con.execute(f"""
        select (select count(*) from _records where line_no >= {first_data_line}),
               (select count(*) from _record_rejects where line_no >= {first_data_line}),
               (select count(*) from _continued where line_no >= {first_data_line})
    """).fetchone()
    rows_read, blank_lines = records + rejects, lines - records  # count_records' figures, without re-testing lines
    if blank_lines or continued:  # lines that are no record of their own, for the records' numbers
        con.execute(f"""
            create or replace temp table _gaps as
            select line_no, row_number() over (order by line_no) as gaps_before
            from (select line_no from _records where line_no >= {first_data_line} and not coalesce({_NON_BLANK}, false)
                  union all select line_no from _continued where line_no >= {first_data_line})
        """)
    con.execute("begin transaction")
    try:
        columns = ", ".join(f"c.{c.name}" for c in source.columns)
        con.execute(f"""
            create or replace table raw.{source.name} as
            select {columns}, {sql_literal(landed.name)} as _source_file, c.line_no as _source_line
            from _checked as c left join _duplicates as d on {_key_match(source)}
            where {_valid('c')} and coalesce(d._first_line, c.line_no) = c.line_no
            order by c.line_no
        """)
        con.execute("delete from audit.quarantine where source = ?", [source.name])
        quarantine = _quarantine_rows(source, landed, sha256, header)
        con.execute(
            "insert into audit.quarantine"
            " (source, file_name, file_sha256, line_no, field, reason, raw_line, record_no) "
            + _numbered(quarantine, first_data_line, bool(blank_lines or continued))
        )
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
            "insert into audit.source_loads (source, file_name, file_sha256, vintage, rows_read, rows_loaded,"
            " rows_quarantined, blank_lines, loaded_at, encoding)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, ?)",
            [source.name, landed.name, sha256, landed.vintage, rows_read, rows_loaded, rows_quarantined,
             blank_lines, decoding.label],
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
        encoding=decoding.label,
        multi_line_records=multi_line_records,
    )


def load_absent(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """An optional source with no delivery: raw.<source> empty, with its columns typed as a load would type them,
    and no quarantine rows for it; audit.source_loads records no load (there was none)."""
    if not source.optional:
        raise UnusableFileError(f"{source.name}: no file matching '{source.path}' in the landing directory")
    ensure_audit_tables(con)
    columns = ", ".join(f"null::{SQL_TYPES[c.type]} as {c.name}" for c in source.columns)
    con.execute("begin transaction")
    try:
        con.execute(f"create or replace table raw.{source.name} as select {columns}, null::varchar as _source_file,"
                    " null::bigint as _source_line where false")
        con.execute("delete from audit.quarantine where source = ?", [source.name])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def load_delivery(
    con: duckdb.DuckDBPyConnection, source: Source, landing_dir: Path, seeds_dir: Path = SEEDS_DIR
) -> LoadResult | None:
    """The newest delivery of `source` in `landing_dir` into raw.<source>; None when an optional source has none
    (its table then empty). Raises UnusableFileError for a required source without a file."""
    if source.optional and not is_delivered(source, landing_dir):
        load_absent(con, source)
        return None
    return load_source(con, source, find_landed_file(source, landing_dir), seeds_dir)


def _refuse_mostly_bad(
    source: Source, landed: LandedFile, rows_read: int, rows_quarantined: int, reasons: dict[str, int]
) -> None:
    if rows_read == 0:
        if source.optional:  # a header alone: nothing to deliver this time (catalog.yml, `optional`)
            return
        raise UnusableFileError(f"{landed.name}: the file has no data rows")
    share = rows_quarantined / rows_read
    if share > source.max_quarantine_share:
        top = "; ".join(f"{reason} ({count})" for reason, count in list(reasons.items())[:3])
        raise UnusableFileError(
            f"{landed.name}: {rows_quarantined} of {rows_read} records ({share:.0%}) failed validation, above the "
            f"{source.max_quarantine_share:.0%} limit; most common: {top}. Is the file in the declared format?"
        )


def count_records(con: duckdb.DuckDBPyConnection, first_data_line: int) -> tuple[int, int]:
    """(records, blank lines) in the file last read into _records: what 'rows read' means for conservation."""
    return con.execute(f"""
        select count(*) filter (where {_NON_BLANK})
                   + (select count(*) from _record_rejects where line_no >= {first_data_line}),
               count(*) - count(*) filter (where {_NON_BLANK})
        from _records where line_no >= {first_data_line}
    """).fetchone()


def recount_file(con: duckdb.DuckDBPyConnection, source: Source, landed: LandedFile) -> int:
    """Records in a landed file, read afresh: the independent side of the conservation check."""
    decoding = detect_decoding(landed.path, source.format.encoding)
    with utf8_file(con, landed.path, decoding, scan_file(landed.path, digest=False)) as readable:
        read_lines(con, readable.path)
    read_records(con, source)
    return count_records(con, 2 if source.format.type == "csv" else 1)[0]


def preview_rows(con: duckdb.DuckDBPyConnection, source: Source, limit: int = 5) -> list[dict]:
    """A few loaded rows with personal columns left out, safe for Dagster metadata."""
    shown = [c.name for c in source.columns if not is_personal_column(c.name)]
    rows = con.execute(
        f"select {', '.join(shown)} from raw.{source.name} order by _source_line limit {limit}"
    ).fetchall()
    return [dict(zip(shown, row, strict=True)) for row in rows]
