"""The source catalogue: what each landing file must look like, read from catalog.yml."""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).with_name("catalog.yml")

# Each catalogue type and the DuckDB type its values are stored as in raw.<source>: the loader casts to it and the
# source assets describe their columns with it. Identifiers (NIK, KK, region codes) stay text: leading zeros count.
SQL_TYPES = {
    "varchar": "VARCHAR",
    "integer": "BIGINT",
    "double": "DOUBLE",
    "decimal_id": "DECIMAL(20, 2)",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "nik": "VARCHAR",
    "kk": "VARCHAR",
    "region": "VARCHAR",
    "polygon": "VARCHAR",  # WKT, validated with shapely (geometry.py)
}
COLUMN_TYPES = set(SQL_TYPES)
REGION_LEVELS = {"province", "regency", "district", "village", "any"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    personal: bool = False
    pattern: str | None = None
    format: str | None = None
    system: str = "kemendagri"
    level: str = "village"
    style: str = "plain"
    min: float | None = None
    max: float | None = None


# The encodings a delivery may be declared in, each by the Python codec that reads it. `utf-16` without a
# byte-order mark is read little-endian, as Windows and Excel ("Unicode Text") write it. A byte-order mark in the
# file wins over the declaration (`file_bytes.detect_decoding`).
ENCODINGS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp1252": "cp1252",  # windows-1252: Excel's "CSV" on a Western/Indonesian Windows
    "iso8859-1": "latin-1",
    "utf-16": "utf-16-le",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
}


def codec_of(encoding: str) -> str:
    """The Python codec a declared encoding is read with ('windows-1252' -> 'cp1252'); ValueError if unsupported."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = None
    if name not in ENCODINGS:
        raise ValueError(
            f"unsupported encoding {encoding!r}: use utf-8, windows-1252, iso-8859-1, utf-16, utf-16le or utf-16be"
        )
    return ENCODINGS[name]


@dataclass(frozen=True)
class FileFormat:
    type: str  # csv or jsonl
    delimiter: str = ","
    quote: str = '"'
    encoding: str = "utf-8"  # as declared; a byte-order mark in the file wins over it

    def __post_init__(self) -> None:
        codec_of(self.encoding)


@dataclass(frozen=True)
class Source:
    name: str
    registry: str
    description: str
    owner: str
    path: str
    format: FileFormat
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(repr=False)
    max_quarantine_share: float = 0.5
    optional: bool = False  # may be absent (no rows) or hold no data rows: catalog.yml says which and why


def normalise_header(header: str) -> str:
    """Lower snake case, so 'Kabupaten/Kota' and 'KABUPATEN_KOTA' name the same column."""
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


def _column(raw: dict) -> Column:
    column = Column(**raw)
    if column.type not in COLUMN_TYPES:
        raise ValueError(f"column {column.name}: unknown type {column.type!r}")
    if column.type in {"date", "timestamp"} and not column.format:
        raise ValueError(f"column {column.name}: {column.type} needs a format")
    if column.type == "region" and (column.level not in REGION_LEVELS or column.system not in {"kemendagri", "bps"}):
        raise ValueError(f"column {column.name}: unknown region system/level")
    return column


def _source(name: str, raw: dict) -> Source:
    columns = tuple(_column(c) for c in raw["columns"])
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ValueError(f"source {name}: duplicate column names")
    try:
        file_format = FileFormat(**raw["format"])
    except ValueError as error:
        raise ValueError(f"source {name}: {error}") from None
    missing_keys = set(raw["key"]) - set(names)
    if missing_keys:
        raise ValueError(f"source {name}: key columns {sorted(missing_keys)} are not declared")
    return Source(
        name=name,
        registry=raw["registry"],
        description=raw["description"],
        owner=raw["owner"],
        path=raw["path"],
        format=file_format,
        key=tuple(raw["key"]),
        columns=columns,
        max_quarantine_share=raw.get("max_quarantine_share", 0.5),
        optional=bool(raw.get("optional", False)),
    )


@functools.cache
def load_catalog(path: Path = CATALOG_PATH) -> dict[str, Source]:
    """All sources by name, validated so that a typo in the catalogue fails at import, not mid-run."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: _source(name, spec) for name, spec in raw["sources"].items()}
