"""What the national pass reads: every published province warehouse, attached read-only, and (on generated data)
each province's ground truth.

The provinces are the 38 province rows of the national reference seed (ref_national_regions.csv); a province
counts when its published warehouse file exists and holds every mart column the roll-ups read. The pass never
opens a province file for writing and never reads a candidate: a province refresh that is running or failed leaves
its last published file, which is what the nation sees. A warehouse an older release published (a column the
roll-ups now read is missing) is left out and named until the province refreshes, as an unpublished one is: an
upgrade rolls through the provinces without stopping the nation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from sepakat_dagster import duckdb_limits, paths
from sepakat_dagster.defs.national.settings import rollups
from sepakat_dagster.provinces import province_codes

NATIONAL_TRUTH = "national_truth"  # beside the provinces' folders in a generated national sample


def _filled(template: str, province: str) -> Path:
    if paths.PROVINCE not in template:
        raise ValueError(f"the template {template!r} has no {paths.PROVINCE} placeholder: the national pass needs "
                         "the province warehouses' location per province (SEPAKAT_WAREHOUSE)")
    return paths.fill_province(template, province, "template")


class ProvinceWarehouses(dg.ConfigurableResource):
    """Where each province's published warehouse is (`template`, a path with `{province}`), where its deliveries
    land (`landing_template`, optional: the targeting flags go back there), and, on generated data, its ground
    truth (`truth_template`, optional) and the national truth folder (`national_truth`, optional: the generator's
    movers.parquet and namesakes.parquet)."""

    template: str = str(paths.WAREHOUSE.default())
    landing_template: str = ""
    truth_template: str = ""
    national_truth: str = ""

    def landing(self, province: str) -> Path | None:
        """The province's landing folder, or None when the landing location names no province (a deployment that
        serves one province from its own locations: the pass cannot tell where its deliveries land)."""
        if paths.PROVINCE not in self.landing_template:
            return None
        return _filled(self.landing_template, province)

    def existing(self) -> dict[str, Path]:
        """Province code -> published warehouse, for the provinces whose file exists."""
        found = {code: _filled(self.template, code) for code in province_codes()}
        return {code: path for code, path in found.items() if path.exists()}

    def published(self) -> dict[str, Path]:
        """Province code -> published warehouse, for the provinces the pass can read (`outdated` names the rest)."""
        outdated = self.outdated()
        return {code: path for code, path in self.existing().items() if code not in outdated}

    def outdated(self) -> dict[str, list[str]]:
        """Province code -> the roll-up columns its published warehouse lacks, for the warehouses an older release
        published."""
        found = {code: missing_columns(path) for code, path in self.existing().items()}
        return {code: missing for code, missing in found.items() if missing}

    def truth(self) -> dict[str, Path]:
        """Province code -> record_map.parquet, for the published provinces that have a ground truth."""
        if not self.truth_template:
            return {}
        found = {code: _filled(self.truth_template, code) / "record_map.parquet" for code in self.published()}
        return {code: path for code, path in found.items() if path.exists()}

    def national_truth_file(self, name: str) -> Path | None:
        """`movers.parquet` or `namesakes.parquet` of the national truth, when there is one."""
        path = Path(self.national_truth) / name if self.national_truth else None
        return path if path and path.exists() else None


def missing_columns(warehouse: Path) -> list[str]:
    """The `marts.<mart>.<column>` the roll-ups read (keys, measures and labels) that `warehouse` does not hold."""
    wanted = {(rollup.mart, column) for rollup in rollups()
              for column in (*rollup.keys, *rollup.measures, *rollup.labels)}
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        held = set(con.execute("select table_name, column_name from information_schema.columns "
                               "where table_schema = 'marts'").fetchall())
    return sorted(f"marts.{mart}.{column}" for mart, column in wanted - held)


def alias(province: str) -> str:
    """The catalog name a province warehouse is attached under."""
    return f"province_{province}"


@contextlib.contextmanager
def attached(con: duckdb.DuckDBPyConnection, warehouses: dict[str, Path]) -> Iterator[dict[str, str]]:
    """Every province warehouse attached read-only to `con` (province code -> catalog), detached on exit."""
    done: dict[str, str] = {}
    try:
        for code, path in sorted(warehouses.items()):
            quoted = str(path).replace("'", "''")
            con.execute(f"attach '{quoted}' as {alias(code)} (read_only)")
            done[code] = alias(code)
        yield done
    finally:
        for catalog in done.values():
            con.execute(f"detach {catalog}")


def union_all(catalogs: dict[str, str], select: str) -> str:
    """`select` (with `{catalog}` and `{province}` placeholders) once per province, as one UNION ALL."""
    return "\nunion all\n".join(select.format(catalog=catalog, province=code) for code, catalog in catalogs.items())
