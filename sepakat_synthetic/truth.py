"""The ground truth as written to truth/*.parquet: readable labels, codes as text, NULL where not applicable.

Housing, relationship, marital status, education, school status, work status and sector keep the Regsosek
integer codes (see codebooks.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sepakat_synthetic.names import RELIGIONS
from sepakat_synthetic.persons import SCHOOL_TYPES


def _text(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), mask=missing).cast(pa.string())


def _date(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype="datetime64[D]"), type=pa.date32())


def _label(labels: tuple[str, ...], index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(index, dtype=np.int32), mask=missing), pa.array(labels, type=pa.string())
    )


def with_national_ids(table: pa.Table, province: str) -> pa.Table:
    """`national_person_id` and `national_household_id` ("<province>-<id>"), unless the table has them: two records
    in different provinces of a national sample are the same human exactly when their national_person_id is equal.
    NULL where the record has no person (household files)."""
    for column in ("person_id", "household_id"):
        name = f"national_{column}"
        if name not in table.column_names:
            ids = pc.binary_join_element_wise(f"{province}-", table[column].cast(pa.string()), "")
            table = table.append_column(name, ids)
    return table


def household_truth(h: pd.DataFrame) -> pa.Table:
    moved = h["moved"].to_numpy()
    columns = {
        "household_id": pa.array(h["household_id"].to_numpy()),
        "kk": _text(h["kk"].to_numpy()),
        "kk_issue_date": _date(h["kk_issue_date"].to_numpy()),
        "village_code": _text(h["village_code"].to_numpy()),
        "district_code": _text(h["district_code"].to_numpy()),
        "regency_code": _text(h["regency_code"].to_numpy()),
        "moved": pa.array(moved),
        "move_date": _date(h["move_date"].to_numpy()),
        "previous_village_code": _text(h["previous_village_code"].to_numpy(), ~moved),
        "latitude": pa.array(h["latitude"].to_numpy()),
        "longitude": pa.array(h["longitude"].to_numpy()),
        "previous_latitude": pa.array(h["previous_latitude"].to_numpy(), from_pandas=True),
        "previous_longitude": pa.array(h["previous_longitude"].to_numpy(), from_pandas=True),
        "size": pa.array(h["size"].to_numpy()),
        "religion": _label(RELIGIONS, h["religion"].to_numpy()),
        "consumption_per_capita": pa.array(h["consumption_per_capita"].to_numpy()),
        "decile": pa.array(h["decile"].to_numpy()),
        "percentile": pa.array(h["percentile"].to_numpy()),
        "poor": pa.array(h["poor"].to_numpy()),
        "extreme_poor": pa.array(h["extreme_poor"].to_numpy()),
        "eligible_decile_1_4": pa.array(h["eligible_decile_1_4"].to_numpy()),
    }
    for name in (
        "roof",
        "wall",
        "floor",
        "drinking_water",
        "sanitation",
        "lighting",
        "cooking_fuel",
        "tenure",
    ):
        columns[name] = pa.array(h[name].to_numpy())
    columns["floor_area_m2"] = pa.array(h["floor_area_m2"].to_numpy())
    return pa.table(columns)


def person_truth(p: pd.DataFrame, h: pd.DataFrame) -> pa.Table:
    school_type = p["school_type"].to_numpy()
    grade = p["grade"].to_numpy()
    sector = p["sector"].to_numpy()
    mother = p["mother_person_id"]
    columns = {
        "person_id": pa.array(p["person_id"].to_numpy()),
        "household_id": pa.array(p["household_id"].to_numpy()),
        "member_no": pa.array(p["member_no"].to_numpy()),
        "relationship": pa.array(p["relationship"].to_numpy()),
        "nik": _text(p["nik"].to_numpy()),
        "nik_district_code": _text(p["nik_district_code"].to_numpy()),
        "kk": _text(p["kk"].to_numpy()),
        "name": pa.array(p["name"].array).cast(pa.string()),
        "sex": _label(("male", "female"), p["female"].to_numpy().astype(np.int32)),
        "birth_date": _date(p["birth_date"].to_numpy()),
        "age": pa.array(p["age"].to_numpy()),
        "alive": pa.array(p["alive"].to_numpy()),
        "death_date": _date(p["death_date"].to_numpy()),
        "moved": pa.array(p["moved"].to_numpy()),
        "village_code": _text(p["village_code"].to_numpy()),
        "district_code": _text(p["district_code"].to_numpy()),
        "regency_code": _text(p["regency_code"].to_numpy()),
        "religion": _label(RELIGIONS, p["religion"].to_numpy()),
        "decile": pa.array(p["decile"].to_numpy()),
        "percentile": pa.array(p["percentile"].to_numpy()),
        "eligible_decile_1_4": pa.array(p["decile"].to_numpy() <= 4),
        "marital_status": pa.array(p["marital_status"].to_numpy()),
        "education": pa.array(p["education"].to_numpy()),
        "school_status": pa.array(p["school_status"].to_numpy()),
        "enrolled": pa.array(p["enrolled"].to_numpy()),
        "equivalency": pa.array(p["equivalency"].to_numpy()),
        "school_type": _label(SCHOOL_TYPES[1:], school_type - 1, school_type == 0),
        "madrasah": pa.array(p["madrasah"].to_numpy()),  # school_type is the level; EMIS, not Dapodik, lists them
        "grade": pa.array(grade, mask=grade < 0),
        "working": pa.array(p["working"].to_numpy()),
        "sector": pa.array(sector, mask=sector == 0),
        "seeking_work": pa.array(p["seeking_work"].to_numpy()),
        "employment_status": pa.array(p["employment_status"].to_numpy(), mask=~p["working"].to_numpy()),
    }
    for domain in ("seeing", "hearing", "walking", "remembering", "self_care", "communicating"):
        columns[f"wg_{domain}"] = pa.array(p[f"wg_{domain}"].to_numpy())
    for name in ("disability", "disability_severe", "pregnant", "hypertension", "diabetes"):
        columns[name] = pa.array(p[name].to_numpy())
    columns["mother_person_id"] = pa.array(
        mother.to_numpy(dtype=np.int64, na_value=0), mask=mother.isna().to_numpy()
    )
    return pa.table(columns)
