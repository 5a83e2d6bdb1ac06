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

The schema is typed (pydantic): unknown keys are refused and every value is checked, so a typo fails before any
file is read, with a message that names the key (`right.columns.sex.values.X: expected male or female`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator, model_validator

ROLES = ("record_id", "full_name", "given_name", "surname", "birth_date", "sex", "national_id", "address",
         "postcode", "region_code")
NAME_ROLES = ("full_name", "given_name", "surname")
DEFAULT_SEX_VALUES = {
    "m": "male", "male": "male", "l": "male", "laki-laki": "male", "laki laki": "male", "1": "male", "man": "male",
    "f": "female", "female": "female", "p": "female", "perempuan": "female", "2": "female", "w": "female",
    "woman": "female",
}

Column = Annotated[str, Field(min_length=1)]


class MappingError(ValueError):
    """The mapping YAML is not valid; the message names the key."""


class _Strict(BaseModel):
    """Unknown keys are errors: a misspelt option must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _ColumnWithOptions(_Strict):
    """A role given as a mapping with `column:` and options, or as the bare column name."""

    column: Column

    @model_validator(mode="before")
    @classmethod
    def _bare_column(cls, value: Any) -> Any:
        return {"column": value} if isinstance(value, str) else value


class BirthDate(_ColumnWithOptions):
    format: str = "%Y-%m-%d"  # strptime; ISO dates are also read when the format does not fit


class Sex(_ColumnWithOptions):
    values: dict[str, Literal["male", "female"]] = Field(default_factory=lambda: dict(DEFAULT_SEX_VALUES))

    @field_validator("values")
    @classmethod
    def _codes_in_lower_case(cls, values: dict[str, str]) -> dict[str, str]:
        """Codes are matched case-insensitively, after trimming."""
        return {code.strip().lower(): sex for code, sex in values.items()}


class RegionCode(_ColumnWithOptions):
    levels: tuple[PositiveInt, ...] = ()  # prefix lengths of a hierarchical code, compared longest first

    @field_validator("levels")
    @classmethod
    def _longest_first(cls, levels: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(levels, reverse=True))


class FileFormat(_Strict):
    delimiter: str | None = None  # None: DuckDB sniffs it
    encoding: str = "utf-8"


class Columns(_Strict):
    """Which column of one file plays which role."""

    record_id: Column
    full_name: Column | None = None
    given_name: Column | None = None
    surname: Column | None = None
    birth_date: BirthDate | None = None
    sex: Sex | None = None
    national_id: Column | None = None
    address: tuple[Column, ...] = ()  # joined in this order
    postcode: Column | None = None
    region_code: RegionCode | None = None

    @field_validator("address", mode="before")
    @classmethod
    def _one_address_column(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _has_a_name(self) -> Columns:
        if not any(getattr(self, role) for role in NAME_ROLES):
            raise ValueError("map full_name, or given_name and/or surname")
        return self

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role in ROLES if getattr(self, role))

    def columns(self) -> set[str]:
        """Every column of the file the mapping names."""
        named = set(self.address)
        for role in ROLES:
            value = getattr(self, role)
            if isinstance(value, str):
                named.add(value)
            elif isinstance(value, _ColumnWithOptions):
                named.add(value.column)
        return named


class FileLayout(Columns):
    """One file's roles and how to read it."""

    format: FileFormat = FileFormat()


class LinkOptions(_Strict):
    dedupe_within_files: bool = False
    match_threshold: float = 0.95
    store_threshold: float = 0.5
    seed: int = 42
    u_max_pairs: float = 1e6

    @model_validator(mode="after")
    def _ordered_thresholds(self) -> LinkOptions:
        if not 0 < self.store_threshold <= self.match_threshold < 1:
            raise ValueError("need 0 < store_threshold <= match_threshold < 1")
        return self


class Output(_Strict):
    format: Literal["parquet", "csv"] = "parquet"


class _FileSection(_Strict):
    """`right:` (or `left:`): one file's own roles and format, over the shared ones; a role set to null is dropped."""

    columns: dict[str, Any] | None = None
    format: dict[str, Any] | None = None


class _MappingFile(_Strict):
    """The YAML as written, before the shared `columns` and `format` are merged into each file's."""

    version: Literal[1] = 1
    format: dict[str, Any] | None = None
    columns: dict[str, Any] | None = None
    left: _FileSection | None = None
    right: _FileSection | None = None
    link: LinkOptions = LinkOptions()
    output: Output = Output()


class Mapping(_Strict):
    left: FileLayout
    right: FileLayout
    options: LinkOptions = LinkOptions()
    output_format: Literal["parquet", "csv"] = "parquet"

    @property
    def roles(self) -> frozenset[str]:
        """Roles both files provide: only those are compared. Every file has a name (full, or given and surname
        joined), so `name` is always among them."""
        return (self.left.roles & self.right.roles) - set(NAME_ROLES) | {"name"}


def _message(error: Any, where: str) -> str:
    """One pydantic error as `key.path: what is wrong`, in words a mapping's author can act on."""
    path = ".".join(str(part) for part in (where, *error["loc"]) if part != "")
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return f"{path} is required"
    if kind == "extra_forbidden" and path.rsplit(".", 1)[0].endswith("columns"):
        return f"{path}: unknown role; roles are {', '.join(ROLES)}"
    if kind == "extra_forbidden":
        return f"{path}: unknown key"
    if kind == "literal_error":
        return f"{path}: expected {context['expected'].replace(chr(39), '')}, got {error['input']!r}"
    text = error["msg"].removeprefix("Value error, ")
    return f"{path}: {text}" if path else text


def _validate(model: type[BaseModel], value: Any, where: str) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise MappingError("; ".join(_message(e, where) for e in error.errors())) from None


def parse_mapping(raw: Any) -> Mapping:
    """The Mapping of a loaded YAML document; MappingError names the first keys that do not fit."""
    if not isinstance(raw, dict):
        raise MappingError("the mapping must be a YAML mapping")
    document = _validate(_MappingFile, raw, "")
    sides = {}
    for side in ("left", "right"):
        override = getattr(document, side) or _FileSection()
        # A role set to null in a file's own section is not in that file.
        columns = {k: v for k, v in {**(document.columns or {}), **(override.columns or {})}.items() if v is not None}
        where = f"{side}." if side in raw else ""
        sides[side] = FileLayout.model_construct(
            **dict(_validate(Columns, columns, f"{where}columns")),
            format=_validate(FileFormat, {**(document.format or {}), **(override.format or {})}, f"{where}format"),
        )
    return Mapping(left=sides["left"], right=sides["right"], options=document.link,
                   output_format=document.output.format)


def load_mapping(path: Path | str) -> Mapping:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MappingError(f"not valid YAML: {error}") from None
    return parse_mapping(raw or {})
