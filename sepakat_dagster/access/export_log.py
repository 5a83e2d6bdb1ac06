"""The one export log: every `sepakat export`, by name or of a publishable table, written or refused, as one JSON line
appended to `export_log.jsonl` in the exports folder (SEPAKAT_EXPORTS, by default exports/ beside the warehouse).

A line says who (the user named and the account that ran the command), their role and scope, when (UTC), what
(kind, programme or table, regency), how many rows, which file and its SHA-256 (so a file found later can be traced
to its export), and the outcome with its reason. Never a row or a value: the rows stay in the file.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from sepakat_dagster import paths
from sepakat_dagster.access.roles import Caller, os_user

EXPORT_LOG = "export_log.jsonl"
BY_NAME = "by_name"
TABLE = "table"


def log_path(warehouse: Path) -> Path:
    """SEPAKAT_EXPORTS/export_log.jsonl when the variable is set, else exports/ beside the warehouse read."""
    folder = paths.EXPORTS.path() if paths.EXPORTS.is_set() else warehouse.parent / "exports"
    return folder / EXPORT_LOG


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def record(log: Path, caller: Caller, kind: str, subject: str, regency: str, *, rows: int | None = None,
           file: Path | None = None, refused: str | None = None) -> dict:
    """Append one export's line (`refused` is the reason when it was refused) and return it."""
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": caller.user,
        "os_user": os_user(),
        "role": caller.role.name if caller.role else None,
        "scope": caller.scope,
        "kind": kind,
        "subject": subject,
        "regency": regency,
        "rows": rows,
        "file": str(file.resolve()) if file else None,
        "sha256": file_sha256(file) if file else None,
        "outcome": "refused" if refused else "written",
        "reason": refused,
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:  # one line per write: appends from two commands do not interleave
        handle.write(json.dumps(entry) + "\n")
    return entry
