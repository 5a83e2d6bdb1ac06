"""The mapping YAML of `sepakat link`: which column of a file plays which role (see docs/generic-linkage.md).

```yaml
version: 1
format: {delimiter: ",", encoding: utf-8}   # CSV reading options (Parquet files need none)
columns:                                    # roles → columns, for both files unless `right` says otherwise
  record_id: patient_id                     # required
  given_name: forename                      # full_name, or given_name and/or surname: at least one
  surname: family_name
  birth_date: {column: dob, format: "%d/%m/%Y"}
  sex: {column: gender, values: {M: male, F: female}}
  national_id: nhs_number
  address: [address_line_1, town]
  postcode: postcode
  region_code: {column: area_code, levels: [2, 4]}
right:                                      # optional: the second file's own layout
  format: {delimiter: ";"}
  columns: {...}
link:
  dedupe_within_files: false                # also look for duplicates inside each file
  match_threshold: 0.95
  store_threshold: 0.5
  seed: 42
output: {format: parquet}                   # or csv
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROLES = ("record_id", "full_name", "given_name", "surname", "birth_date", "sex", "national_id", "address",
         "postcode", "region_code")
NAME_ROLES = ("full_name", "given_name", "surname")
DEFAULT_SEX_VALUES = {
    "m": "male", "male": "male", "l": "male", "laki-laki": "male", "laki laki": "male", "1": "male", "man": "male",
    "f": "female", "female": "female", "p": "female", "perempuan": "female", "2": "female", "w": "female",
    "woman": "female",
}


class MappingError(ValueError):
    """The mapping YAML is not valid; the message names the key."""


@dataclass(frozen=True)
class FileLayout:
    """How to read one file and which of its columns play which role."""

    record_id: str
    full_name: str | None = None
    given_name: str | None = None
    surname: str | None = None
    birth_date: str | None = None
    birth_date_format: str = "%Y-%m-%d"
    sex: str | None = None
    sex_values: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SEX_VALUES))
    national_id: str | None = None
    address: tuple[str, ...] = ()
    postcode: str | None = None
    region_code: str | None = None
    region_levels: tuple[int, ...] = ()
    delimiter: str | None = None  # None: let DuckDB sniff it
    encoding: str = "utf-8"

    @property
    def roles(self) -> frozenset[str]:
        present = {role for role in ROLES if role != "address" and getattr(self, role)}
        return frozenset(present | ({"address"} if self.address else set()))

    def columns(self) -> set[str]:
        named = {getattr(self, role) for role in ROLES if role != "address" and getattr(self, role)}
        return named | set(self.address)


@dataclass(frozen=True)
class LinkOptions:
    dedupe_within_files: bool = False
    match_threshold: float = 0.95
    store_threshold: float = 0.5
    seed: int = 42
    u_max_pairs: float = 1e6


@dataclass(frozen=True)
class Mapping:
    left: FileLayout
    right: FileLayout
    options: LinkOptions
    output_format: str = "parquet"

    @property
    def roles(self) -> frozenset[str]:
        """Roles both files provide: only those are compared. Every file has a name (full, or given and surname
        joined), so `name` is always among them."""
        return (self.left.roles & self.right.roles) - set(NAME_ROLES) | {"name"}


def _column(value: Any, key: str) -> tuple[str, dict]:
    if isinstance(value, str) and value:
        return value, {}
    if isinstance(value, dict) and isinstance(value.get("column"), str):
        return value["column"], {k: v for k, v in value.items() if k != "column"}
    raise MappingError(f"columns.{key}: give a column name, or a mapping with `column:`")


def _layout(columns: dict[str, Any], file_format: dict[str, Any], where: str) -> FileLayout:
    if not isinstance(columns, dict):
        raise MappingError(f"{where}columns: expected a mapping of role to column")
    unknown = sorted(set(columns) - set(ROLES))
    if unknown:
        raise MappingError(f"{where}columns: unknown role(s) {', '.join(unknown)}; roles are {', '.join(ROLES)}")
    if "record_id" not in columns:
        raise MappingError(f"{where}columns.record_id is required")
    if not any(role in columns for role in NAME_ROLES):
        raise MappingError(f"{where}columns: map full_name, or given_name and/or surname")
    values: dict[str, Any] = {}
    for role, value in columns.items():
        if role == "address":
            parts = [value] if isinstance(value, str) else value
            if not isinstance(parts, list) or not all(isinstance(p, str) and p for p in parts):
                raise MappingError(f"{where}columns.address: a column name or a list of column names")
            values["address"] = tuple(parts)
            continue
        column, extra = _column(value, f"{where}{role}")
        values[role] = column
        if role == "birth_date" and "format" in extra:
            values["birth_date_format"] = str(extra.pop("format"))
        if role == "sex" and "values" in extra:
            raw = extra.pop("values")
            if not isinstance(raw, dict) or not set(raw.values()) <= {"male", "female"}:
                raise MappingError(f"{where}columns.sex.values: map each code to male or female")
            values["sex_values"] = {str(k).strip().lower(): v for k, v in raw.items()}
        if role == "region_code" and "levels" in extra:
            levels = extra.pop("levels")
            if not isinstance(levels, list) or not all(isinstance(n, int) and n > 0 for n in levels):
                raise MappingError(f"{where}columns.region_code.levels: a list of prefix lengths, e.g. [2, 4]")
            values["region_levels"] = tuple(sorted(levels, reverse=True))
        if extra:
            raise MappingError(f"{where}columns.{role}: unknown option(s) {', '.join(sorted(extra))}")
    unknown_format = sorted(set(file_format) - {"delimiter", "encoding"})
    if unknown_format:
        raise MappingError(f"{where}format: unknown option(s) {', '.join(unknown_format)}")
    return FileLayout(**values, **{k: str(v) for k, v in file_format.items()})


def parse_mapping(raw: dict[str, Any]) -> Mapping:
    if not isinstance(raw, dict):
        raise MappingError("the mapping must be a YAML mapping")
    unknown = sorted(set(raw) - {"version", "format", "columns", "left", "right", "link", "output"})
    if unknown:
        raise MappingError(f"unknown key(s) {', '.join(unknown)}")
    if raw.get("version", 1) != 1:
        raise MappingError("version: only version 1 is known")
    base_columns, base_format = raw.get("columns") or {}, raw.get("format") or {}
    sides = {}
    for side in ("left", "right"):
        override = raw.get(side) or {}
        if set(override) - {"columns", "format"}:
            raise MappingError(f"{side}: only `columns` and `format` may be given per file")
        # A role set to null in a file's own section is not in that file.
        columns = {k: v for k, v in {**base_columns, **(override.get("columns") or {})}.items() if v is not None}
        sides[side] = _layout(columns, {**base_format, **(override.get("format") or {})},
                              f"{side}." if side in raw else "")
    link = raw.get("link") or {}
    try:
        options = LinkOptions(**link)
    except TypeError as error:
        raise MappingError(f"link: {error}") from None
    if not 0 < options.store_threshold <= options.match_threshold < 1:
        raise MappingError("link: need 0 < store_threshold <= match_threshold < 1")
    output_format = (raw.get("output") or {}).get("format", "parquet")
    if output_format not in ("parquet", "csv"):
        raise MappingError("output.format: parquet or csv")
    return Mapping(sides["left"], sides["right"], options, output_format)


def load_mapping(path: Path | str) -> Mapping:
    return parse_mapping(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
