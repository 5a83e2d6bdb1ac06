"""dbt's source declarations, written from the source catalogue: the catalogue is the one place a delivery's
tables and columns are declared.

dbt needs a `sources:` yml per registry (`dbt_project/models/staging/<registry>/_<registry>__sources.yml`) to
resolve `source('<registry>', '<table>')` and to describe the raw tables in its docs and in Dagster. Writing those
files by hand repeated every column of `catalog.yml` a second time, so a column added to one was easily missed in
the other. They are generated instead, and `tests/defs/sources/test_dbt_sources.py` fails when a committed file
differs from what the catalogue gives:

    make dbt-sources     # after editing catalog.yml (python -m sepakat_dagster.defs.sources.dbt_sources)
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from sepakat_dagster.defs.personal import is_personal_column
from sepakat_dagster.defs.sources.catalog import Column, Source, load_catalog
from sepakat_dagster.paths import DBT_PROJECT_DIR

STAGING_DIR = DBT_PROJECT_DIR / "models" / "staging"
RAW_SCHEMA = "raw"


def sources_file(registry: str) -> Path:
    return STAGING_DIR / registry / f"_{registry}__sources.yml"


def _column(column: Column) -> dict:
    personal = ", personal data" if is_personal_column(column.name) else ""
    return {"name": column.name, "description": f"{column.type}{personal}"}


def _table(source: Source) -> dict:
    return {
        "name": source.name,
        "description": source.description,
        "meta": {"producer": source.owner, "landing_pattern": source.path},
        "columns": [_column(column) for column in source.columns],
    }


def render(registry: str, sources: list[Source]) -> str:
    """The yml text of one registry's dbt sources, its tables in catalogue order."""
    document = {
        "version": 2,
        "sources": [{
            "name": registry,
            "description": f"Raw {registry} deliveries, loaded by the Dagster source assets "
                           "(see sepakat_dagster/defs/sources/catalog.yml).",
            "schema": RAW_SCHEMA,
            "tables": [_table(source) for source in sources],
        }],
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def rendered() -> dict[Path, str]:
    """Every registry's sources file and the text the catalogue gives it."""
    by_registry: dict[str, list[Source]] = defaultdict(list)
    for source in load_catalog().values():
        by_registry[source.registry].append(source)
    return {sources_file(registry): render(registry, sources) for registry, sources in by_registry.items()}


def main() -> None:
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(DBT_PROJECT_DIR.parent)}")


if __name__ == "__main__":
    main()
