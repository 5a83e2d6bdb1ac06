"""Synthetic registries for a province, or a national sample of provinces: a ground-truth population and the
Regsosek, DTKS, P3KE, Dapodik, health, SIPD, INARISK and Musdes files derived from it, with every injected error
recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sepakat_synthetic.generator import GenerationSummary, generate
    from sepakat_synthetic.national import generate_national
    from sepakat_synthetic.rates import ErrorRates

__all__ = ["ErrorRates", "GenerationSummary", "generate", "generate_national"]


def __getattr__(name: str) -> object:
    # Lazy, so `python -m sepakat_synthetic.regions` runs without loading the whole generator.
    if name == "ErrorRates":
        from sepakat_synthetic.rates import ErrorRates

        return ErrorRates
    if name in ("generate", "GenerationSummary"):
        from sepakat_synthetic import generator

        return getattr(generator, name)
    if name == "generate_national":
        from sepakat_synthetic.national import generate_national

        return generate_national
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
