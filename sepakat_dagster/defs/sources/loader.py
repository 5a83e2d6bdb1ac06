"""Load one landing file into raw.<source>; every record that fails structural validation goes to audit.quarantine.

A file in another encoding than UTF-8 (declared in the catalogue, or named by its byte-order mark) is first
transcoded to a temporary UTF-8 file, block by block. DuckDB then reads the file line by line (with exact physical
line numbers); the lines are joined into CSV records where a quoted field holds a line break (RFC 4180), and
records are split and typed in SQL, so a province-size file never passes through Python and every rejected record
can be reported by file, record, line and field. Messages and reasons name columns and rules, never values: the
raw record is kept only in the quarantine table.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from sepakat_dagster.defs.personal import is_personal_column
from sepakat_dagster.defs.sources.catalog import SQL_TYPES, Column, Source, codec_of, normalise_header
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

# Four control characters that never appear in text: the line reader's "delimiter", so each line is one value.
# DuckDB would cut a line that holds them anyway: such a file is read from a copy where they are defused (and the
# line is quarantined for its control characters).
_LINE_DELIMITER = "\x1f\x1e\x1d\x1c"
_LINE_DELIMITER_BYTES = _LINE_DELIMITER.encode()
_LINE_DELIMITER_DEFUSED = _LINE_DELIMITER[:-1] + "\x1a"
_HOLD = len(_LINE_DELIMITER)  # bytes the scan keeps from one block for the next: a CRLF or delimiter across them
# A quoted field may hold line breaks, but a quote left open is more often a stray quote than a 50-line address:
# a record may span at most this many physical lines, after which its first line is quarantined alone.
MAX_RECORD_LINES = 50
# Characters that are not text: C0 controls but tab, CR and LF (a line break is kept only inside a quoted field),
# DEL and the C1 controls (which a windows-1252 file declared as iso-8859-1 would bring in place of € or “”).
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
_CONTROL_NAMES = {0: "NUL", 127: "DEL"}
_C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080-U+009F in UTF-8
SCIENTIFIC_NOTATION_REASON = "a spreadsheet converted the number to scientific notation (digits lost)"
_SCIENTIFIC = r"[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
_CODEC_NAMES = {"utf-8": "utf-8", "cp1252": "windows-1252", "latin-1": "iso-8859-1", "utf-16-le": "utf-16le",
                "utf-16-be": "utf-16be"}
# A JSON string can also hold a control character as an escape (\u0000): lines with one are checked field by field.
_JSON_CONTROL_ESCAPE = r"\\u00[0189][0-9a-fA-F]|\\u007[fF]"
_TRANSCODE_BLOCK = 1 << 22  # 4 MiB of the delivered file at a time
_TRANSCODE_PREFIX = "sepakat_transcode_"
_INVALID_BYTES = "sepakat-invalid-bytes"
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


@dataclass(frozen=True)
class Decoding:
    """How a landed file is decoded: its declared encoding, unless a byte-order mark says otherwise."""

    declared: str  # as the catalogue declares it
    codec: str  # the Python codec the file is read with
    bom: str | None = None  # the byte-order mark found at the start ('UTF-8', 'UTF-16 LE', 'UTF-16 BE')

    @property
    def bom_length(self) -> int:
        return 3 if self.bom == "UTF-8" else 2 if self.bom else 0

    @property
    def label(self) -> str:
        """What was used and why, for metadata and logs: 'utf-16le (UTF-16 LE byte-order mark; declared utf-8)'."""
        why = [f"{self.bom} byte-order mark"] if self.bom else []
        if codec_of(self.declared) != self.codec:
            why.append(f"declared {self.declared}")
        return _CODEC_NAMES[self.codec] + (f" ({'; '.join(why)})" if why else "")


def detect_decoding(path: Path, declared: str) -> Decoding:
    """The declared encoding, or the one a UTF-8 or UTF-16 byte-order mark at the start of the file names."""
    with path.open("rb") as handle:
        start = handle.read(4)
    for mark, codec, name in _BOMS:
        if start.startswith(mark):
            return Decoding(declared=declared, codec=codec, bom=name)
    return Decoding(declared=declared, codec=codec_of(declared))


def _invalid_bytes(error: UnicodeError) -> tuple[str | bytes, int]:
    """Decoding: undecodable bytes become a lone surrogate; encoding: that surrogate becomes 0xFF, never valid
    UTF-8, so DuckDB rejects the line as invalid encoding exactly as it does in a UTF-8 delivery."""
    if isinstance(error, UnicodeDecodeError):
        return "\udcff", error.end
    if isinstance(error, UnicodeEncodeError):
        return b"\xff" * (error.end - error.start), error.end
    raise error


codecs.register_error(_INVALID_BYTES, _invalid_bytes)


def _scratch_folder(con: duckdb.DuckDBPyConnection) -> Path:
    """The connection's spill folder (duckdb_limits): on the data disk, and where temporary copies belong."""
    setting = con.execute("select current_setting('temp_directory')").fetchone()[0]
    folder = Path(setting) if setting else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove_abandoned_copies(folder: Path) -> None:
    """Transcoded copies left by a loader process that no longer runs (killed mid-load)."""
    for path in folder.glob(f"{_TRANSCODE_PREFIX}*"):
        pid = path.name[len(_TRANSCODE_PREFIX):].split("_", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:  # alive, another user's
            pass


def transcode_to_utf8(source: Path, target: Path, decoding: Decoding) -> ByteFindings:
    """Copy `source` to `target` as UTF-8 that DuckDB's line reader reads exactly, a block at a time: memory stays
    at a few block sizes whatever the size of the file.

    The byte-order mark is dropped; bytes that are not text in the encoding become invalid UTF-8 (the line is
    then rejected as in a UTF-8 delivery); every line break (CRLF, LF, or a CR alone, which DuckDB's reader can
    drop text after) becomes LF; and the line reader's delimiter, should a line hold it, loses its last character
    (the line is quarantined for its control characters rather than cut short).
    """
    decoder = codecs.getincrementaldecoder(decoding.codec)(errors=_INVALID_BYTES)
    findings = ByteFindings()
    held = ""  # the end of a block, which may be half of a CRLF or of the delimiter
    with source.open("rb") as reader, target.open("wb") as writer:
        reader.seek(decoding.bom_length)
        while True:
            block = reader.read(_TRANSCODE_BLOCK)
            text = held + decoder.decode(block, final=not block)
            text, held = _split_safely(text) if block else (text, "")
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace(_LINE_DELIMITER, _LINE_DELIMITER_DEFUSED)
            encoded = text.encode("utf-8", errors=_INVALID_BYTES)
            findings.update(encoded)
            writer.write(encoded)
            if not block:
                break
    return findings.finish()


def _split_safely(text: str) -> tuple[str, str]:
    """(what can be normalised now, what must wait for the next block): a CR whose LF may follow, or the start
    of the line reader's delimiter, stays for the next block."""
    cut = len(text)
    for length in range(min(len(_LINE_DELIMITER) - 1, len(text)), 0, -1):
        if text.endswith(_LINE_DELIMITER[:length]):
            cut -= length
            break
    if text[:cut].endswith("\r"):
        cut -= 1
    return text[:cut], text[cut:]


class ByteFindings:
    """What a pass over UTF-8 bytes finds, block by block, that decides how they are read: a CR alone or the line
    reader's delimiter (DuckDB would read them inexactly: the file is read from a normalised copy), and whether a
    control character, or a JSON escape of one, may be in it (when none can be, the SQL skips looking for them).

    Each test is a C-speed byte search, a few per cent of reading the file; the exact test is SQL's, per field.
    """

    def __init__(self) -> None:
        self.lone_cr = self.delimiter = self.control = self.escapes = False
        self._tail = b""  # the end of the previous block: a CRLF, a delimiter or a C1 pair may straddle two

    def update(self, block: bytes) -> None:
        window = self._tail + block
        self._tail = window[-_HOLD:]
        if not self.control:
            codes = np.frombuffer(window, np.uint8)
            self.control = bool(
                ((codes < 0x20) & (codes != 0x09) & (codes != 0x0A) & (codes != 0x0D) | (codes == 0x7F)).any()
            ) or (b"\xc2" in window and _C1_BYTES.search(window) is not None)
        if self.control and not self.delimiter:
            self.delimiter = _LINE_DELIMITER_BYTES in window
        if not self.lone_cr and b"\r" in window:
            whole = window[:-1] if window.endswith(b"\r") else window  # its LF may start the next block
            self.lone_cr = whole.count(b"\r") != whole.count(b"\r\n")
        if not self.escapes:
            self.escapes = b"\\" in window and b"\\u" in window

    def finish(self) -> ByteFindings:
        if self._tail.endswith(b"\r"):
            self.lone_cr = True
        return self

    @property
    def needs_copy(self) -> bool:
        return self.lone_cr or self.delimiter


@dataclass(frozen=True)
class FileScan:
    sha256: str | None
    findings: ByteFindings  # meaningful for a UTF-8 file; any other is copied, and its copy scanned


def scan_file(path: Path, digest: bool = True) -> FileScan:
    """The file's SHA-256 and, in the same pass over its bytes, its ByteFindings."""
    sha256 = hashlib.sha256() if digest else None
    findings = ByteFindings()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            if sha256:
                sha256.update(block)
            findings.update(block)
    return FileScan(sha256=sha256.hexdigest() if sha256 else None, findings=findings.finish())


@dataclass(frozen=True)
class Readable:
    path: Path  # UTF-8 without a CR alone or the line reader's delimiter
    findings: ByteFindings


@contextlib.contextmanager
def utf8_file(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, decoding: Decoding, scan: FileScan
) -> Iterator[Readable]:
    """The landed file as DuckDB can read it exactly: itself when it is UTF-8 (DuckDB skips a UTF-8 byte-order
    mark) and needs no normalising, else a transcoded copy in the connection's spill folder, removed on the way
    out whatever happens."""
    if decoding.codec == "utf-8" and not scan.findings.needs_copy:
        yield Readable(landed.path, scan.findings)
        return
    folder = _scratch_folder(con)
    _remove_abandoned_copies(folder)
    handle, name = tempfile.mkstemp(prefix=f"{_TRANSCODE_PREFIX}{os.getpid()}_", suffix=".txt", dir=folder)
    os.close(handle)
    copy = Path(name)
    try:
        yield Readable(copy, transcode_to_utf8(landed.path, copy, decoding))
    finally:
        copy.unlink(missing_ok=True)


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


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in_class(character: str) -> str:
    """`character` as a member of a regex character class."""
    return "\\" + character if character in "]\\^-[" else character


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
    regions = _literal(str(seeds_dir / "ref_regions.csv"))
    crosswalk = _literal(str(seeds_dir / "ref_region_crosswalk_bps.csv"))
    con.execute(f"""
        create or replace temp table _region_codes as
        select 'kemendagri' as system, level, region_code as code
        from read_csv({regions}, header = true, all_varchar = true)
        union all
        select 'bps', level, bps_code from read_csv({crosswalk}, header = true, all_varchar = true)
    """)


def _read_lines(con: duckdb.DuckDBPyConnection, path: Path) -> None:
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
        from read_csv({_literal(str(path))}, columns = {{'line': 'VARCHAR'}}, header = false,
                      delim = {_literal(_LINE_DELIMITER)}, quote = '', escape = '', auto_detect = false,
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


def _control_reason_sql(character: str) -> str:
    """SQL for the reason given for the control character `character` (SQL, one character): its code point and,
    for the common ones, its name; never the value around it."""
    names = "".join(f" when {point} then ' ({name})'" for point, name in _CONTROL_NAMES.items())
    code = f"unicode({character})"
    return f"'control character ' || printf('U+%04X', {code}) || case {code}{names} else '' end"


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


def _read_records(con: duckdb.DuckDBPyConnection, source: Source) -> int:
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
        q = _literal(quote)
        odd = con.sql(f"""
            select line_no, regexp_full_match(text, {_literal(opens)}) as opens,
                   regexp_full_match(text, {_literal(closes)}) as closes
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
    note = _literal(f"quoted field not closed within {MAX_RECORD_LINES} lines")
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
    """SQL for (line_no, fields, well_quoted, <other columns of `lines`>) of each row of `lines` (line_no, line,
    ...), split RFC 4180 style.

    The general split is a regex, then unquoting; it is the slow part of a quoted file, so two cheaper paths take
    the lines whose result they give exactly: a line without the quote character is a plain split, and a line
    whose fields are all quoted with no quote inside any of them (a Dapodik export) is a plain split of its
    inside on `"<delimiter>"`. well_quoted says whether the regex's fields rebuild the line: the regex skips what
    it cannot read, and such a line is malformed. Lines taken by the cheap paths rebuild by construction.
    """
    d = _literal(delimiter)
    if not quote:
        return f"select * exclude (line), string_split(line, {d}) as fields, true as well_quoted from {lines}"
    q = _literal(quote)
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
                          then regexp_extract_all(line, {_literal(field_regex)}, 1) end as regex_fields
              from (select *,
                           -- two quotes per piece surround it, so exactly two per piece means none inside one
                           case when {quotes_in_line} = 2 * len(pieces) then pieces end as all_quoted
                    from (select *, contains(line, {q}) as has_quote,
                                 case when strlen(line) >= 2 and starts_with(line, {q}) and ends_with(line, {q})
                                      then string_split(line[2:-2], {_literal(quote + delimiter + quote)}) end
                                     as pieces
                          from {lines})))
    """


def _read_header(con: duckdb.DuckDBPyConnection, source: Source, landed: LandedFile, decoding: Decoding) -> list[str]:
    if con.execute("select count(*) from _record_rejects where line_no = 1").fetchone()[0]:
        raise UnusableFileError(f"{landed.name}: line 1 (header) is not valid {decoding.label} text")
    row = con.execute("select line from _records where line_no = 1").fetchone()
    if row is None or not (row[0] or "").strip():
        raise UnusableFileError(f"{landed.name}: the file is empty (no header line)")
    header_line = "(select 1 as line_no, ? as line)"
    fields = con.execute(
        f"select fields from ({_split_lines(source.format.delimiter, source.format.quote, header_line)})", [row[0]]
    ).fetchone()[0]
    return [normalise_header(name) for name in fields]


def _fields_query(source: Source, header: list[str] | None, first_data_line: int, check_control: bool) -> str:
    """SQL for (line_no, fields, _shape, _control_field, _control_reason) of every record: its CSV fields, or its
    JSON values in catalogue order; why the record as a whole is unreadable (NULL when it is not); and the first
    control character in it, with the field that holds it (looked for only when `check_control`)."""
    control = _literal(_CONTROL)
    records = f"(select line_no, line, _note from _records where line_no >= {first_data_line} and {_NON_BLANK})"
    if check_control:
        # A record with a control character (JSON: or an escape that may be one) is looked at field by field.
        pattern = _literal(_CONTROL + "|" + _JSON_CONTROL_ESCAPE) if header is None else control
        records = f"""(select *, case when _suspect then nullif(regexp_extract(line, {control}), '') end
                                 as _line_control
                       from (select *, regexp_matches(line, {pattern}) as _suspect from {records}))"""
    if header is None:
        names = [c.name for c in source.columns]
        paths = ", ".join(_literal("$." + c.name) for c in source.columns)
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
            from ({_split_lines(source.format.delimiter, source.format.quote, records)})
        """
    if not check_control:
        return f"""
            select line_no, fields, _shape, null::varchar as _control_field, null::varchar as _control_reason
            from ({split})
        """
    name_list = "[" + ", ".join(_literal(n) for n in names) + "]"
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
    scientific = f"regexp_full_match({value}, {_literal(_SCIENTIFIC)})"

    def or_scientific(reason: str) -> str:
        return f"case when {scientific} then {_literal(SCIENTIFIC_NOTATION_REASON)} else {_literal(reason)} end"

    if column.type == "varchar":
        typed = value
        if column.pattern:
            pattern = _literal(column.pattern)
            checks.append(
                (f"not regexp_full_match({value}, {pattern})", or_scientific("does not match the id pattern"))
            )
    elif column.type == "integer":
        typed = f"try_cast({value} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null", _literal("not an integer")))
    elif column.type == "double":
        typed = f"try_cast({value} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null or not isfinite({t})", _literal("not a number")))
    elif column.type == "decimal_id":
        typed = f"try_cast(replace(replace({value}, '.', ''), ',', '.') as {SQL_TYPES[column.type]})"
        pattern = r"-?([0-9]{1,3}(\.[0-9]{3})*|[0-9]+)(,[0-9]+)?"
        checks.append((f"not regexp_full_match({value}, {_literal(pattern)})",
                       _literal("not a number in Indonesian format")))
    elif column.type in {"date", "timestamp"}:
        typed = f"try_strptime({value}, {_literal(column.format)})"
        typed = f"cast({typed} as {SQL_TYPES[column.type]})"
        checks.append((f"{t} is null", _literal(f"not a valid {column.type} in format {column.format}")))
        checks.append((f"{t} < date '{_EARLIEST_DATE}'", _literal("before 1900")))
        if vintage:
            checks.append((f"{t} > date '{vintage}' + interval 1 day", _literal("after the file's vintage")))
    elif column.type in {"nik", "kk"}:
        typed = value
        checks.append((f"not regexp_full_match({value}, '[0-9]{{16}}')", or_scientific("not 16 digits")))
        if column.type == "nik":
            checks.append((f"right({value}, 4) = '0000'", _literal("serial 0000 is never issued")))
    else:  # region
        typed = value
        code = f"replace({value}, '.', '')" if column.style == "dotted" else value
        shape = r"[0-9]{2}(\.[0-9]{2}){1,2}(\.[0-9]{4})?" if column.style == "dotted" else "[0-9]+"
        level = "" if column.level == "any" else f" and level = {_literal(column.level)}"
        checks.append((f"not regexp_full_match({value}, {_literal(shape)})",
                       _literal(f"not a {column.style} region code")))
        checks.append((
            f"{code} not in (select code from _region_codes where system = {_literal(column.system)}{level})",
            _literal(f"unknown {column.system} {column.level} code"),
        ))
    if column.min is not None:
        checks.append((f"{t} < {column.min}", _literal(f"below the minimum {column.min:g}")))
    if column.max is not None:
        checks.append((f"{t} > {column.max}", _literal(f"above the maximum {column.max:g}")))
    branches = "".join(f" when {condition} then {reason}" for condition, reason in checks)
    missing = _literal("missing required value") if column.required else "null"
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
        f"{{'field': {_literal(c.name)}, 'reason': {r}}}" for c, r in zip(source.columns, reason_names, strict=True)
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
    file_cols = f"{_literal(source.name)}, {_literal(landed.name)}, {_literal(sha256)}"
    return f"""
        select {file_cols}, line_no, null, reason, raw_line from _record_rejects where line_no > {1 if header else 0}
        union all select {file_cols}, failed.line_no, failed.field, failed.reason, r.line
        from (select line_no, null as field, _shape as reason from _checked where _shape is not null
              union all select line_no, e.field, e.reason
                  from (select line_no, unnest(_errors) as e from _checked where _errors is not null)
              union all select line_no, _control_field, _control_reason from _checked
                  where _control_reason is not null
              union all select c.line_no, {_literal(', '.join(source.key))},
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
    scan = scan_file(landed.path)
    sha256 = scan.sha256
    decoding = detect_decoding(landed.path, source.format.encoding)
    with utf8_file(con, landed, decoding, scan) as readable:
        _read_lines(con, readable.path)
    is_csv = source.format.type == "csv"
    # Looking for control characters costs a regex over every record: only where the bytes may hold one.
    may_hold_control = readable.findings.control or (not is_csv and readable.findings.escapes)
    multi_line_records = _read_records(con, source)
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
            select {columns}, {_literal(landed.name)} as _source_file, c.line_no as _source_line
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


def _refuse_mostly_bad(
    source: Source, landed: LandedFile, rows_read: int, rows_quarantined: int, reasons: dict[str, int]
) -> None:
    if rows_read == 0:
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
    with utf8_file(con, landed, decoding, scan_file(landed.path, digest=False)) as readable:
        _read_lines(con, readable.path)
    _read_records(con, source)
    return count_records(con, 2 if source.format.type == "csv" else 1)[0]


def preview_rows(con: duckdb.DuckDBPyConnection, source: Source, limit: int = 5) -> list[dict]:
    """A few loaded rows with personal columns left out, safe for Dagster metadata."""
    shown = [c.name for c in source.columns if not is_personal_column(c.name)]
    rows = con.execute(
        f"select {', '.join(shown)} from raw.{source.name} order by _source_line limit {limit}"
    ).fetchall()
    return [dict(zip(shown, row, strict=True)) for row in rows]
