"""`sepakat export`: one regency's targeting list for one programme, for the regency's social office, or one
regency's rows of a publishable planning table (`--table`), for its planning office."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sepakat_dagster import paths


def _export(args: argparse.Namespace) -> int:
    if args.table:
        return _export_table(args)
    from sepakat_dagster.defs.marts.export import ExportError, export_targeting_list, normalise_program

    program = normalise_program(args.program)
    out = args.out or paths.DEFAULT_DATA_DIR / "exports" / f"targeting_{program}_{args.regency}.csv"
    try:
        result = export_targeting_list(args.warehouse, program, args.regency, out)
    except ExportError as error:
        print(f"sepakat export: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {result.rows:,} rows of the {result.program} targeting list for regency {result.regency_code} "
          f"to {result.path} ({len(result.columns)} columns; personal data: handle as restricted)")
    return 0


def _export_table(args: argparse.Namespace) -> int:
    from sepakat_dagster.defs.marts.export import ExportError
    from sepakat_dagster.defs.marts.planning_export import export_planning_table

    out_dir = args.out or paths.DEFAULT_DATA_DIR / "exports"
    try:
        result = export_planning_table(args.warehouse, args.table, args.regency, out_dir, args.format)
    except ExportError as error:
        print(f"sepakat export: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {result.rows:,} rows of {result.table} for regency {result.regency_code} to {result.path} "
          f"({len(result.columns)} columns; publishable, small cells suppressed)")
    return 0


def add_export_command(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `export` to the `sepakat` command's subparsers."""
    export = subparsers.add_parser(
        "export", help="write one regency's by-name-by-address targeting list for one programme (restricted)")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--program",
                      help="a programme of the eligibility rules seed, e.g. pbi_jk (PBI-JK etc. also accepted)")
    what.add_argument("--table", help="a publishable planning table instead, e.g. spm_planning_targets or "
                      "rad_pd_disability_by_sex")
    export.add_argument("--regency", required=True, help="4-digit Kemendagri regency code, e.g. 5371")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="with --table: the file type")
    export.add_argument("--out", type=Path, help="with --program: output .csv or .parquet (default data/exports/"
                        "targeting_<program>_<regency>.csv); with --table: the folder (default data/exports)")
    export.add_argument("--warehouse", type=Path, default=paths.warehouse_path())
    export.set_defaults(handler=_export)
    return export
