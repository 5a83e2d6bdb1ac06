"""A province that has never seen the demo: the session's generated registries copied into a landing folder of their
own, without the ground truth and without a pseudonym key, refreshed once per session by the real `sepakat refresh`
in a subprocess. The refresh test (tests/test_cli.py) and the status tests (tests/test_status.py) read it."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Delivered:
    folder: Path  # the working folder the command ran in
    landing: Path
    data_dir: Path
    home: Path  # DAGSTER_HOME
    completed: subprocess.CompletedProcess
    seconds: float

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    def environment(self) -> dict[str, str]:
        """The command's environment: no SEPAKAT_ variable at all (no key, no locations), a DAGSTER_HOME of its own."""
        from tests.test_cli import VENV_BIN

        return {k: v for k, v in os.environ.items() if not k.startswith(("SEPAKAT_", "DAGSTER_"))} | {
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "DAGSTER_HOME": str(self.home)}

    def sepakat(self, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
        from tests.test_cli import VENV_BIN

        return subprocess.run([str(VENV_BIN / "sepakat"), *arguments], cwd=self.folder, env=self.environment(),
                              capture_output=True, text=True, timeout=timeout)


_REFRESHED: dict[Path, Delivered] = {}


def refreshed_delivery(demo_dir: Path, tmp_path_factory) -> Delivered:
    """`sepakat refresh --landing delivered/landing --data-dir data`, relative paths from its working folder, as an
    operator types it; once per session."""
    import time

    from tests.test_cli import RUN_TIMEOUT_S, write_instance

    if demo_dir not in _REFRESHED:
        folder = tmp_path_factory.mktemp("delivered_province")
        landing = folder / "delivered" / "landing"
        shutil.copytree(demo_dir / "landing", landing)
        home = folder / "dagster_home"
        write_instance(home)
        unfinished = Delivered(folder, landing, folder / "data", home, None, 0.0)
        started = time.monotonic()
        completed = unfinished.sepakat("refresh", "--landing", "delivered/landing", "--data-dir", "data",
                                       timeout=RUN_TIMEOUT_S)
        _REFRESHED[demo_dir] = Delivered(folder, landing, folder / "data", home, completed,
                                         time.monotonic() - started)
    return _REFRESHED[demo_dir]
