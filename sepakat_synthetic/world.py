"""The ground truth every registry is derived from, with helpers the registry builders share."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sepakat_synthetic import formats
from sepakat_synthetic.errors import ALL_FLAGS, PersonRecords, inject_person_errors
from sepakat_synthetic.households import ROMAN, STREETS
from sepakat_synthetic.names import RELIGIONS
from sepakat_synthetic.persons import age_on
from sepakat_synthetic.rates import ErrorRates
from sepakat_synthetic.streams import Streams

_MUSLIM = RELIGIONS.index("muslim")


@dataclass
class World:
    province: str
    households: pd.DataFrame  # row i has household_id i + 1
    persons: pd.DataFrame  # row i has person_id i + 1
    place: pd.DataFrame  # villages of the province, sorted by code
    rates: ErrorRates
    streams: Streams
    outcomes: dict[str, np.ndarray] = field(default_factory=dict)  # registry results later builders need

    def __post_init__(self) -> None:
        self.household_row = self.persons["household_id"].to_numpy() - 1
        self.village_regency = self.place["regency_index"].to_numpy()
        self.village_codes = pa.array(self.place["village_code"].to_numpy(), type=pa.string())
        self.names = pa.array(self.persons["name"].array).cast(pa.string())

    def person_errors(
        self,
        rows: np.ndarray,
        record_date: np.datetime64 | np.ndarray,
        latest_date: np.datetime64,
        rng: np.random.Generator,
        nik_missing_rate: float | np.ndarray | None = None,
    ) -> PersonRecords:
        """Person fields of the given persons as a registry holds them, with errors injected."""
        p = self.persons
        birth = p["birth_date"].to_numpy()[rows]
        adult = age_on(birth, record_date) >= 23
        muslim = self.households["religion"].to_numpy()[self.household_row[rows]] == _MUSLIM
        return inject_person_errors(
            p["nik"].to_numpy()[rows],
            self.names.take(pa.array(rows)),
            birth,
            p["female"].to_numpy()[rows],
            adult,
            muslim,
            latest_date,
            self.rates,
            rng,
            nik_missing_rate,
        )

    def village_code(self, village_index: np.ndarray) -> pa.Array:
        return self.village_codes.take(pa.array(np.asarray(village_index, dtype=np.int64)))

    def address(self, household_rows: np.ndarray, style: str) -> pa.Array:
        """Street address or hamlet, with RT/RW, in each registry's own style."""
        h = self.households
        street = h["street"].to_numpy()[household_rows]
        in_town = formats.join(
            formats.lookup(STREETS, np.maximum(street, 0)),
            " No. ",
            formats.digits(h["house_no"].to_numpy()[household_rows]),
        )
        hamlet = formats.join("Dusun ", formats.lookup(ROMAN, h["dusun"].to_numpy()[household_rows] - 1))
        place = pc.if_else(pa.array(street >= 0), in_town, hamlet)
        rt = h["rt"].to_numpy()[household_rows]
        rw = h["rw"].to_numpy()[household_rows]
        if style == "dtks":
            return formats.upper(
                formats.join(place, " RT ", formats.digits(rt, 3), " RW ", formats.digits(rw, 3))
            )
        if style == "p3ke":
            return formats.join(place, " RT ", formats.digits(rt), "/RW ", formats.digits(rw))
        return place


def record_map(
    source: str,
    record_id: pa.Array,
    household_id: np.ndarray,
    person_id: np.ndarray | None,
    flags: dict[str, np.ndarray],
) -> pa.Table:
    """record_map rows of one landing file: every flag column present (False where not applicable)."""
    n = len(record_id)
    unknown = sorted(set(flags) - set(ALL_FLAGS))
    if unknown:
        raise ValueError(f"unknown record flags {unknown}")
    columns = {
        "source": pa.repeat(pa.scalar(source, type=pa.string()), n),
        "record_id": formats.text(record_id),
        "person_id": pa.array(np.zeros(n, dtype=np.int64), mask=np.ones(n, dtype=bool))
        if person_id is None
        else pa.array(np.asarray(person_id, dtype=np.int64)),
        "household_id": pa.array(np.asarray(household_id, dtype=np.int64)),
    }
    for name in ALL_FLAGS:
        columns[name] = pa.array(flags.get(name, np.zeros(n, dtype=bool)))
    return pa.table(columns)
