"""The README's layout table names every folder a newcomer looks for, and only folders that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layout_folders() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = text.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+/)`", layout, flags=re.MULTILINE)


def test_every_folder_in_the_layout_table_exists():
    folders = _layout_folders()
    assert len(folders) > 10
    assert [f for f in folders if not (ROOT / f).is_dir()] == []


def test_every_stage_and_top_level_package_is_in_the_layout_table():
    listed = set(_layout_folders())
    stages = {f"sepakat_dagster/defs/{p.name}/" for p in (ROOT / "sepakat_dagster" / "defs").iterdir()
              if p.is_dir() and not p.name.startswith("__")}
    top = {f"{p.name}/" for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name != "tests"}
    assert (stages | top | {"dbt_project/", "expectations/", "tests/", "benchmarks/", "docs/"}) - listed == set()
