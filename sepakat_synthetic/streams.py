"""Independent random streams per component, so adding or changing one component never shifts the others."""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """Child generators of one run seed, keyed by component name.

    Equivalent to `SeedSequence(seed).spawn(...)` children, but the spawn key is a stable hash of the name
    instead of a position, so the order in which components ask for their stream does not matter.

    A `scope` (the province in a national sample) prefixes every name: provinces generated with one seed then
    draw independent streams, instead of the same households and names in the same order. Without a scope the
    streams are those of a one-province `generate`.
    """

    def __init__(self, seed: int, scope: str = "") -> None:
        self.seed = int(seed)
        self.scope = scope

    def rng(self, name: str) -> np.random.Generator:
        key = zlib.crc32((f"{self.scope}/{name}" if self.scope else name).encode("utf-8"))
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(key,)))
