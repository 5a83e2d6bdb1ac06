"""Helpers shared by the linkage tests: a warehouse with dbt's int_persons built from a generated province."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import load_delivery
from sepakat_dagster.paths import DBT_PROJECT_DIR


def build_person_warehouse(landing: Path, folder: Path) -> Path:
    """Load the landed files into folder/warehouse.duckdb and build intermediate.int_persons (and what it
    needs) with dbt, its artefacts under `folder` so the project's own target/ is never touched."""
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse.duckdb"  # the file stem is baked into dbt's compiled SQL
    with duckdb.connect(str(warehouse)) as con:
        for source in load_catalog().values():
            load_delivery(con, source, landing)
    env = {**os.environ, **duckdb_limits.environment(warehouse),
           "SEPAKAT_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    # int_persons and its parents (seeds included) in one invocation; dbt's own tests are dbt's to run.
    for args in (["build", "--select", "+int_persons", "--exclude", "resource_type:test", "resource_type:unit_test"],):
        completed = subprocess.run(
            [str(DBT_EXECUTABLE), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
             str(DBT_PROJECT_DIR), "--target-path", str(folder / "target"), "--log-path", str(folder / "logs")],
            env=env, capture_output=True, text=True, check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"dbt {' '.join(args)} failed:\n{completed.stdout[-4000:]}{completed.stderr[-2000:]}")
    return warehouse


CONTRACT_TYPES = {
    "person_record_key": "varchar", "registry": "varchar", "source_table": "varchar", "record_id": "varchar",
    "household_record_key": "varchar", "nik": "varchar", "nik_is_valid": "boolean", "nik_birth_date": "date",
    "nik_sex": "varchar", "name_normalised": "varchar", "name_tokens_sorted": "varchar", "first_name": "varchar",
    "last_name": "varchar", "sex": "varchar", "birth_date": "date", "sex_disagrees_with_nik": "boolean",
    "birth_date_disagrees_with_nik": "boolean", "village_code": "varchar", "district_code": "varchar",
    "regency_code": "varchar",
}


def person(key: str, name: str, birth_date: str, sex: str, nik: str | None, village: str = "5301012001",
           **overrides) -> dict:
    """One int_persons row as the dbt layer would derive it; `nik` is taken as valid and consistent unless
    overridden."""
    registry, record_id = key.split(":")
    tokens = name.split(" ")
    row = {
        "person_record_key": key, "registry": registry.split("_")[0], "source_table": registry,
        "record_id": record_id, "household_record_key": f"{registry}_hh:1", "nik": nik,
        "nik_is_valid": nik is not None, "nik_birth_date": birth_date if nik else None,
        "nik_sex": sex if nik else None, "name_normalised": name, "name_tokens_sorted": " ".join(sorted(tokens)),
        "first_name": tokens[0], "last_name": tokens[-1] if len(tokens) > 1 else None, "sex": sex,
        "birth_date": birth_date, "sex_disagrees_with_nik": False if nik else None,
        "birth_date_disagrees_with_nik": False if nik else None, "village_code": village,
        "district_code": village[:6], "regency_code": village[:4],
    }
    row.update(overrides)
    return row


def contract_table(con: duckdb.DuckDBPyConnection, rows: list[dict], name: str = "int_persons") -> None:
    """A table with the int_persons contract columns holding `rows`."""
    columns = ", ".join(f"{column} {kind}" for column, kind in CONTRACT_TYPES.items())
    con.execute(f"create or replace table {name} ({columns})")
    for row in rows:
        con.execute(f"insert into {name} values ({', '.join('?' for _ in CONTRACT_TYPES)})",
                    [row[column] for column in CONTRACT_TYPES])
