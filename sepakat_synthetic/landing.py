"""Landing files: one per catalogue source, written the way the source system exports it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa


@dataclass
class SourceFile:
    """One landing file: its rows under the catalogue's column names, and how the source writes them."""

    source: str  # catalogue source name
    path: str  # relative to the landing directory, with the vintage in the name
    table: pa.Table  # catalogue columns in catalogue order, values already as text where the source has text
    headers: tuple[str, ...] | None = None  # header spelling of the real export; None = the catalogue names
    delimiter: str | None = ","  # None = JSON Lines
    force_quote: bool = False
    record_map: pa.Table | None = None  # source, record_id, person_id, household_id, flags

    @property
    def rows(self) -> int:
        return self.table.num_rows


def table(columns: dict[str, object]) -> pa.Table:
    """An Arrow table from column arrays; object arrays become strings."""
    arrays = {}
    for name, values in columns.items():
        if isinstance(values, pa.Array | pa.ChunkedArray):
            arrays[name] = values
        elif isinstance(values, np.ndarray) and values.dtype == object:
            arrays[name] = pa.array(values, type=pa.string())
        else:
            arrays[name] = pa.array(values)
    return pa.table(arrays)


def write(con: duckdb.DuckDBPyConnection, landing_dir: Path, source_file: SourceFile) -> Path:
    path = landing_dir / source_file.path
    path.parent.mkdir(parents=True, exist_ok=True)
    data = source_file.table
    if source_file.headers is not None:
        data = data.rename_columns(list(source_file.headers))
    con.register("landing_rows", data)
    try:
        target = str(path).replace("'", "''")
        if source_file.delimiter is None:
            options = "FORMAT JSON"
        else:
            delimiter = source_file.delimiter.replace("'", "''")
            options = f"FORMAT CSV, DELIMITER '{delimiter}', HEADER, QUOTE '\"'"
            if source_file.force_quote:
                options += ", FORCE_QUOTE *"
        con.execute(f"COPY (SELECT * FROM landing_rows) TO '{target}' ({options})")
    finally:
        con.unregister("landing_rows")
    return path
