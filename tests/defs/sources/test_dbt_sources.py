"""dbt's source declarations are the catalogue's: every committed sources yml is exactly what the catalogue gives."""

from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.dbt_sources import STAGING_DIR, rendered


def test_every_dbt_sources_file_is_written_from_the_catalogue():
    expected = rendered()
    assert set(STAGING_DIR.glob("*/_*__sources.yml")) == set(expected)
    stale = [path.parent.name for path, text in expected.items() if path.read_text() != text]
    assert not stale, f"run `make dbt-sources` after editing catalog.yml: {', '.join(stale)} out of date"


def test_each_catalogue_table_is_a_dbt_source_with_its_columns_and_personal_flags():
    texts = rendered()
    for source in load_catalog().values():
        text = next(text for path, text in texts.items() if path.parent.name == source.registry)
        assert f"- name: {source.name}\n" in text
        assert all(f"- name: {column.name}\n" in text for column in source.columns)
    assert "- name: nik\n      description: nik, personal data\n" in texts[STAGING_DIR / "dtks" / "_dtks__sources.yml"]
