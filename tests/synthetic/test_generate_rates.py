"""ErrorRates: defaults, scaling and loading from a mapping."""

from __future__ import annotations

import dataclasses

import pytest

from sepakat_synthetic import ErrorRates


def test_scaling_multiplies_every_rate_and_caps_at_one() -> None:
    rates = ErrorRates()
    assert all(value == 0 for value in dataclasses.asdict(rates.scaled(0)).values())
    doubled = rates.scaled(2)
    assert doubled.name_typo == pytest.approx(2 * rates.name_typo)
    assert ErrorRates(stale_deceased=0.8).scaled(2).stale_deceased == 1.0


def test_from_mapping_overrides_defaults_and_rejects_unknown_names() -> None:
    rates = ErrorRates.from_mapping({"name_typo": 0.1, "broken_row": 0})
    assert rates.name_typo == 0.1 and rates.broken_row == 0.0 and rates.nik_digit == ErrorRates().nik_digit
    with pytest.raises(ValueError, match="name_tpyo"):
        ErrorRates.from_mapping({"name_tpyo": 0.1})
    with pytest.raises(ValueError, match="name_typo"):
        ErrorRates.from_mapping({"name_typo": 1.5})
    with pytest.raises(ValueError):
        ErrorRates.from_mapping({"name_typo": "often"})
