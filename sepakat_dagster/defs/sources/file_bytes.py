"""How a delivered file's bytes are read: its encoding (declared, or named by a byte-order mark), one pass over
its bytes for the SHA-256 and what decides how DuckDB can read it (a CR alone, control bytes, the line reader's
delimiter), and, when needed, a UTF-8 copy made block by block.

Kept apart from the load because it works on bytes, before any line or record exists: every other step reads the
UTF-8 file `utf8_file` gives, whatever the delivery's encoding, and memory stays at a few blocks whatever its size.
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
from pathlib import Path

import duckdb
import numpy as np

from sepakat_dagster.defs.sources.catalog import codec_of

# Four control characters that never appear in text: the "delimiter" records.read_lines gives DuckDB's reader, so
# each line is one value.
# DuckDB would cut a line that holds them anyway: such a file is read from a copy where they are defused (and the
# line is quarantined for its control characters).
LINE_DELIMITER = "\x1f\x1e\x1d\x1c"
_LINE_DELIMITER_BYTES = LINE_DELIMITER.encode()
_LINE_DELIMITER_DEFUSED = LINE_DELIMITER[:-1] + "\x1a"
_HOLD = len(LINE_DELIMITER)  # bytes the scan keeps from one block for the next: a CRLF or delimiter across them
_C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080-U+009F in UTF-8
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
_CODEC_NAMES = {"utf-8": "utf-8", "cp1252": "windows-1252", "latin-1": "iso-8859-1", "utf-16-le": "utf-16le",
                "utf-16-be": "utf-16be"}
_TRANSCODE_BLOCK = 1 << 22  # 4 MiB of the delivered file at a time
_TRANSCODE_PREFIX = "sepakat_transcode_"
_INVALID_BYTES = "sepakat-invalid-bytes"


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
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace(LINE_DELIMITER, _LINE_DELIMITER_DEFUSED)
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
    for length in range(min(len(LINE_DELIMITER) - 1, len(text)), 0, -1):
        if text.endswith(LINE_DELIMITER[:length]):
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
    con: duckdb.DuckDBPyConnection, path: Path, decoding: Decoding, scan: FileScan
) -> Iterator[Readable]:
    """The landed file `path` as DuckDB can read it exactly: itself when it is UTF-8 (DuckDB skips a UTF-8 byte-order
    mark) and needs no normalising, else a transcoded copy in the connection's spill folder, removed on the way
    out whatever happens."""
    if decoding.codec == "utf-8" and not scan.findings.needs_copy:
        yield Readable(path, scan.findings)
        return
    folder = _scratch_folder(con)
    _remove_abandoned_copies(folder)
    handle, name = tempfile.mkstemp(prefix=f"{_TRANSCODE_PREFIX}{os.getpid()}_", suffix=".txt", dir=folder)
    os.close(handle)
    copy = Path(name)
    try:
        yield Readable(copy, transcode_to_utf8(path, copy, decoding))
    finally:
        copy.unlink(missing_ok=True)

