"""One asset per landed source file (group `sources`), each guarded by a blocking row-conservation check."""

import dagster as dg

from sepakat_dagster.defs.metadata import markdown_table
from sepakat_dagster.defs.partitions import PROVINCES
from sepakat_dagster.defs.personal import is_personal_column
from sepakat_dagster.defs.resources import LandingDirectory, Warehouse
from sepakat_dagster.defs.sources.catalog import SQL_TYPES, Source, load_catalog
from sepakat_dagster.defs.sources.loader import (
    LandedFile,
    LoadResult,
    UnusableFileError,
    load_delivery,
    preview_rows,
    recount_file,
    vintage_of,
)
from sepakat_dagster.resource_usage import measure


def _column_schema(source: Source) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=SQL_TYPES[c.type],
                description=f"{c.type}{' (personal)' if is_personal_column(c.name) else ''}",
                constraints=dg.TableColumnConstraints(nullable=not c.required),
            )
            for c in source.columns
        ]
    )


def _materialization_metadata(result: LoadResult, preview: list[dict]) -> dict:
    return {
        "dagster/row_count": result.rows_loaded,
        "rows_read": result.rows_read,  # records (a quoted field may span lines), not physical lines
        "rows_quarantined": result.rows_quarantined,
        "blank_lines": result.blank_lines,
        "multi_line_records": result.multi_line_records,
        "encoding": result.encoding,
        "file": result.file_name,
        "file_sha256": result.sha256,
        "vintage": str(result.vintage) if result.vintage else "unknown",
        "quarantine_reasons": dg.MetadataValue.md(
            markdown_table([{"reason": r, "rows": n} for r, n in result.quarantine_reasons.items()])
        ),
        "unexpected_columns": ", ".join(result.unexpected_columns) or "none",
        "preview": dg.MetadataValue.md(markdown_table(preview) + "\n\nPersonal columns are not shown."),
    }


def build_source_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", source.name],
        group_name="sources",
        description=source.description,
        kinds={"duckdb", "json" if source.format.type == "jsonl" else "csv"},
        tags={"registry": source.registry},
        owners=["team:sepakat-data"],
        metadata={
            "producer": source.owner,
            "landing_pattern": source.path,
            "dagster/column_schema": _column_schema(source),
        },
        pool="duckdb",
        partitions_def=PROVINCES,
    )
    def _load(context: dg.AssetExecutionContext, warehouse: Warehouse, landing: LandingDirectory):
        try:
            with measure() as usage, warehouse.get_connection() as con:
                result = load_delivery(con, source, landing.root)
                preview = preview_rows(con, source)
        except UnusableFileError as error:
            raise dg.Failure(description=str(error)) from None
        if result is None:
            context.log.info(f"{source.name}: nothing delivered (an optional source): the table is empty")
            return dg.MaterializeResult(metadata={"dagster/row_count": 0, "rows_read": 0, "file": "none delivered",
                                                  "preview": dg.MetadataValue.md(markdown_table(preview))})
        context.log.info(f"{result.file_name}: read as {result.encoding}; {result.rows_read} records")
        if result.rows_quarantined:
            context.log.warning(
                f"{result.file_name}: {result.rows_quarantined} of {result.rows_read} records quarantined "
                f"(see audit.quarantine where source = '{source.name}')"
            )
        return dg.MaterializeResult(
            metadata={**_materialization_metadata(result, preview), **usage.metadata(result.rows_read)})

    return _load


def build_conservation_check(source: Source) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", source.name]),
        name="rows_conserved",
        description="Records in the landed file (CSV records, a quoted field may span lines; blank lines are none) "
        "= rows in the raw table + records in quarantine, exactly. Zero tolerance on purpose: the loader writes both "
        "in one transaction, so a record unaccounted for is a loader bug, not a bad record, whatever the size of "
        "the file.",
        blocking=True,
        pool="duckdb",
    )
    def _check(warehouse: Warehouse, landing: LandingDirectory) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            last_load = con.execute(
                "select file_name from audit.source_loads where source = ? order by loaded_at desc limit 1",
                [source.name],
            ).fetchone()
            if last_load is None:  # an optional source never delivered: its table must be empty
                loaded = con.execute(f"select count(*) from raw.{source.name}").fetchone()[0]
                return dg.AssetCheckResult(passed=loaded == 0, description="nothing delivered",
                                           metadata={"records_read": 0, "records_loaded": loaded})
            file_name = last_load[0]
            path = landing.root / file_name
            if not path.exists():
                return dg.AssetCheckResult(
                    passed=False, description=f"{file_name} is no longer in the landing directory"
                )
            read = recount_file(con, source, LandedFile(path=path, name=file_name, vintage=vintage_of(file_name)))
            loaded = con.execute(f"select count(*) from raw.{source.name}").fetchone()[0]
            quarantined = con.execute(
                "select count(distinct line_no) from audit.quarantine where source = ? and file_name = ?",
                [source.name, file_name],
            ).fetchone()[0]
        return dg.AssetCheckResult(
            passed=read == loaded + quarantined,
            metadata={"records_read": read, "records_loaded": loaded, "records_quarantined": quarantined,
                      "difference": read - loaded - quarantined},
        )

    return _check


@dg.definitions
def sources() -> dg.Definitions:
    catalog = load_catalog().values()
    return dg.Definitions(
        assets=[build_source_asset(source) for source in catalog],
        asset_checks=[build_conservation_check(source) for source in catalog],
    )
