"""Error rates injected into the registries: defaults, scaling and loading from a YAML mapping."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorRates:
    """Share of records hit by each error, per registry file (record_map flags say which records were hit).

    Defaults follow what matching studies of Indonesian registries report, roughly.
    """

    nik_missing: float = 0.025
    nik_missing_p3ke: float = 0.08  # P3KE matched NIKs to Dukcapil after collection: more are missing
    nik_digit: float = 0.01
    nik_transposition: float = 0.005
    name_typo: float = 0.04
    name_spelling: float = 0.05  # old/new spelling (oe/u, dj/j, tj/c, ch/kh, y/j)
    name_title: float = 0.03  # H., Hj., Drs., S.Pd, ... added
    name_reorder: float = 0.03  # middle name dropped, initials, surname first
    date_swap: float = 0.01  # day and month of the birth date swapped
    wrong_sex: float = 0.005
    outdated_village: float = 0.02  # household shown at a village it lived in before
    duplicate: float = 0.01  # DTKS: the same person listed again under another member id
    stale_deceased: float = 0.3  # DTKS: a death before the household's last update not removed
    broken_row: float = (
        0.0005  # structurally invalid rows (Excel-mangled NIK, impossible date, unknown region)
    )

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"error rate {field.name} must be a number in [0, 1], got {value!r}")

    def scaled(self, factor: float) -> ErrorRates:
        """Every rate multiplied by `factor` (capped at 1); 0 gives clean registries."""
        if factor < 0:
            raise ValueError("the scaling factor must not be negative")
        return ErrorRates(
            **{f.name: min(1.0, getattr(self, f.name) * factor) for f in dataclasses.fields(self)}
        )

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object] | None) -> ErrorRates:
        """Defaults overridden by `mapping` (e.g. a YAML file); unknown names are an error, not ignored."""
        mapping = dict(mapping or {})
        known = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(mapping) - set(known))
        if unknown:
            raise ValueError(f"unknown error rate(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return cls(
            **{
                name: float(value) if isinstance(value, int) and not isinstance(value, bool) else value
                for name, value in mapping.items()
            }
        )
