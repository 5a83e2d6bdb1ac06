"""Independent random streams per component, so adding or changing one component never shifts the others."""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """Child generators of one run seed, keyed by component name.

    Equivalent to `SeedSequence(seed).spawn(...)` children, but the spawn key is a stable hash of the name
    instead of a position, so the order in which components ask for their stream does not matter.
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def rng(self, name: str) -> np.random.Generator:
        key = zlib.crc32(name.encode("utf-8"))
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(key,)))
