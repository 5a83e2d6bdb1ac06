"""Pseudonymous keys: the dbt macro's HMAC-SHA256 in DuckDB SQL equals Python's hmac, for short, block-sized,
long and non-ASCII keys; without a key (or with a short one) dbt stops with a message saying what to set; and the
keys the pipeline wrote are the HMAC of each person's NIK (or linked person id) under the key it was given."""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess

import duckdb
import jinja2
import pytest

from sepakat_dagster.defs.dbt.project import DBT_EXECUTABLE
from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.defs.marts.helpers import PSEUDONYM_KEY, Pipeline

MACROS = DBT_PROJECT_DIR / "macros" / "pseudonymise.sql"


class CompilerError(Exception):
    pass


def render_pseudonymise(key: str | None, expression: str, *, execute: bool = True) -> str:
    """The macro rendered by plain jinja2 with dbt's context stubbed (var, env_var, execute, exceptions, and the
    cross-database type macro as dbt-duckdb renders it)."""
    def raise_compiler_error(message):
        raise CompilerError(message)

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    context = {
        "var": {"pseudonym_key_env_var": "SEPAKAT_PSEUDONYM_KEY", "pseudonym_key_min_length": 16}.__getitem__,
        "env_var": lambda name, default=None: default if key is None else key,
        "execute": execute,
        "exceptions": type("Exceptions", (), {"raise_compiler_error": staticmethod(raise_compiler_error)}),
        "dbt": type("Dbt", (), {"type_string": staticmethod(lambda: "VARCHAR")}),
    }
    module = environment.from_string(MACROS.read_text(encoding="utf-8")).make_module(context)
    return str(module.pseudonymise(expression))


def with_key(con: duckdb.DuckDBPyConnection, key: str | None) -> duckdb.DuckDBPyConnection:
    """What the dbt-duckdb plugin does on each of dbt's cursors (sepakat_dagster/defs/dbt/pseudonym_key.py)."""
    if key is not None:
        con.execute("set variable sepakat_pseudonym_key = ?", [key])
    return con


def hmac_hex(key: str, message: str) -> str:
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("key", [
    "sixteen-chars-ok",                      # shorter than a block: zero-padded
    "k" * 64,                                # exactly one 64-byte block
    "a-very-long-secret-" * 5,               # longer than a block: hashed first
    "kunci-rahasia-ñusa-tenggara-timur",     # non-ASCII: UTF-8 bytes
    "it's a key with 'quotes'",              # quotes are escaped in the SQL literal
])
def test_the_sql_hmac_equals_pythons(key):
    messages = ["5301014506900001", "dtks_art:530100000000101", "", "ñ"]
    sql = render_pseudonymise(key, "message")
    assert key not in sql and key.replace("'", "''") not in sql  # only getvariable(...) names it
    with with_key(duckdb.connect(), key) as con:
        con.execute("create table messages (message varchar)")
        con.executemany("insert into messages values (?)", [[m] for m in messages])
        got = dict(con.execute(f"select message, {sql} from messages").fetchall())
        assert con.execute(f"select {render_pseudonymise(key, 'null')}").fetchone()[0] is None
    assert got == {m: hmac_hex(key, m) for m in messages}


def test_a_missing_or_short_key_stops_with_a_clear_message():
    with pytest.raises(CompilerError, match=r"SEPAKAT_PSEUDONYM_KEY is not set.*no default key"):
        render_pseudonymise(None, "nik")
    with pytest.raises(CompilerError, match="too short"):
        render_pseudonymise("short", "nik")
    # While dbt only parses (execute is false) the environment is not read, so parsing needs no key.
    assert "sha256" in render_pseudonymise(None, "nik", execute=False)


def test_dbt_refuses_to_build_pseudonyms_without_a_key(pipeline: Pipeline, tmp_path):
    env = {name: value for name, value in os.environ.items() if name != "SEPAKAT_PSEUDONYM_KEY"}
    env |= {"SEPAKAT_WAREHOUSE": str(pipeline.copy_warehouse(tmp_path / "wh")),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    completed = subprocess.run(
        [str(DBT_EXECUTABLE), "compile", "--select", "int_marts_persons", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode != 0
    assert "SEPAKAT_PSEUDONYM_KEY is not set" in completed.stdout + completed.stderr


def test_the_pipelines_person_keys_are_hmacs_of_the_nik_or_person_id(pipeline: Pipeline):
    rows = pipeline.query("select person_id, nik, person_key_basis, person_key from intermediate.int_marts_persons")
    assert rows and {basis for _, _, basis, _ in rows} == {"nik", "person_id"}
    for person_id, nik, basis, person_key in rows:
        assert person_key == hmac_hex(PSEUDONYM_KEY, nik if basis == "nik" else person_id)
    presence = {row[0] for row in pipeline.query("select person_key from marts.person_registry_presence")}
    assert presence == {person_key for *_, person_key in rows}
    # A plain hash of the NIK is not what is stored (it could be brute-forced).
    niks = [nik for _, nik, basis, _ in rows if basis == "nik"]
    assert not presence & {hashlib.sha256(nik.encode()).hexdigest() for nik in niks}


def test_the_key_is_written_nowhere_the_pipeline_writes(pipeline: Pipeline):
    """Not in the warehouse file or anything beside it, not in what dbt compiles, logs or records, not in Dagster's
    events: the key reaches DuckDB only as a session variable."""
    key = PSEUDONYM_KEY.encode()
    folders = [pipeline.warehouse.parent, DBT_PROJECT_DIR / "target", DBT_PROJECT_DIR / "logs"]
    files = [path for folder in folders if folder.exists() for path in folder.rglob("*") if path.is_file()]
    assert any(path.suffix == ".sql" for path in files)  # dbt's compiled SQL is among what was searched
    assert [str(path) for path in files if key in path.read_bytes()] == []
    assert PSEUDONYM_KEY not in "\n".join(repr(event) for event in pipeline.result.all_events)
