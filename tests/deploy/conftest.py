"""A throwaway PostgreSQL server from Debian's binaries (package `postgresql`), for the production instance's test.

Its data folder, unix socket and TCP port are its own, it takes a password (as a production server does), and it is
stopped and removed at teardown. Without the binaries the tests skip, unless SEPAKAT_REQUIRE_SERVICES=1 (CI, which
installs them): then they fail, so that a missing server never passes for a tested one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_USER = "postgres"  # Debian's account for the server; initdb refuses to run as root


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    username: str
    password: str
    db_name: str

    def environment(self) -> dict[str, str]:
        """The variables deploy/postgres/dagster.yaml reads."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port), "DAGSTER_PG_DB": self.db_name,
                "DAGSTER_PG_USERNAME": self.username, "DAGSTER_PG_PASSWORD": self.password}

    def connect(self, db_name: str | None = None):
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=self.username, password=self.password,
                                dbname=db_name or self.db_name)


DEBIAN_SERVERS = Path("/usr/lib/postgresql")


def server_binaries(root: Path = DEBIAN_SERVERS) -> Path:
    """The newest installed PostgreSQL's bin folder (<root>/<version>/bin). Without one the test skips, or fails
    when SEPAKAT_REQUIRE_SERVICES=1."""
    found = sorted(root.glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    message = f"PostgreSQL server binaries not found ({root}/*/bin; Debian package postgresql)"
    if os.environ.get("SEPAKAT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}, and SEPAKAT_REQUIRE_SERVICES=1 requires them")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    binaries = server_binaries()
    # Not under pytest's tmp folder: it is private to root, and the server runs as its own account.
    folder = Path(tempfile.mkdtemp(prefix="sepakat-postgres-"))
    folder.chmod(0o755)
    data, password = folder / "data", secrets.token_hex(16)
    password_file = folder / "password"
    password_file.write_text(password)
    if os.geteuid() == 0:
        shutil.chown(folder, SERVER_USER)
        shutil.chown(password_file, SERVER_USER)
    password_file.chmod(0o600)
    server = PostgresServer("127.0.0.1", _free_port(), "sepakat", password, "sepakat_dagster")
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run(_as_server_user([str(binaries / "initdb"), "-D", str(data), "-U", server.username,
                                    f"--pwfile={password_file}", "--auth=scram-sha-256", "-E", "UTF8"]), **run)
    options = f"-p {server.port} -k {folder} -c listen_addresses={server.host}"
    subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                    str(folder / "server.log"), "-w", "start"]), **run)
    try:
        con = server.connect("postgres")
        con.autocommit = True  # create database runs outside a transaction
        con.cursor().execute(f"create database {server.db_name}")
        con.close()
        yield server
    finally:
        subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       capture_output=True, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)
