"""`sepakat export`: one regency's targeting list for one programme, for the regency's social office, or one
regency's rows of a publishable planning table (`--table`), for its planning office.

A by-name list needs a Satu Data role that may export by name and a scope covering the regency
(sepakat_dagster/access/roles.py); a publishable table needs none. Every export, written or refused, is one line of
the export log (sepakat_dagster/access/export_log.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sepakat_dagster.warehouse_option import add_warehouse_option, chosen_warehouse

if TYPE_CHECKING:  # the access modules are imported where they are used, so that `sepakat --help` answers at once
    from sepakat_dagster.access.roles import Caller


def _export(args: argparse.Namespace) -> int:
    from sepakat_dagster.access import export_log
    from sepakat_dagster.access.roles import (
        AccessError,
        Caller,
        Refused,
        assignments_path,
        authorise_by_name,
        identify,
        os_user,
    )
    from sepakat_dagster.defs.marts.export import ExportError, normalise_program

    warehouse = args.warehouse = chosen_warehouse(args)  # resolved once for the export functions below
    log = export_log.log_path(warehouse)
    regency = args.regency.strip().replace(".", "")
    kind, subject = (export_log.TABLE, args.table) if args.table else (export_log.BY_NAME,
                                                                       normalise_program(args.program))
    try:
        caller = identify(args.user, assignments_path(warehouse))
    except AccessError as error:  # a broken assignment file grants nothing
        export_log.record(log, Caller(args.user or os_user()), kind, subject, regency, refused=str(error))
        print(f"sepakat export: {error}", file=sys.stderr)
        return 2
    try:
        if args.table:
            return _export_table(args, log.parent, caller, log)
        authorise_by_name(caller, regency)
        return _export_targeting_list(args, subject, log.parent, caller, log)
    except (ExportError, Refused) as error:
        export_log.record(log, caller, kind, subject, regency, refused=str(error))
        print(f"sepakat export: {error}", file=sys.stderr)
        return 2


def _export_targeting_list(args: argparse.Namespace, program: str, exports: Path, caller: Caller, log: Path) -> int:
    from sepakat_dagster.access import export_log
    from sepakat_dagster.defs.marts.export import export_targeting_list

    out = args.out or exports / f"targeting_{program}_{args.regency.strip()}.csv"
    result = export_targeting_list(args.warehouse, program, args.regency, out)
    export_log.record(log, caller, export_log.BY_NAME, result.program, result.regency_code, rows=result.rows,
                      file=result.path)
    print(f"Wrote {result.rows:,} rows of the {result.program} targeting list for regency {result.regency_code} "
          f"to {result.path} ({len(result.columns)} columns; personal data: handle as restricted; logged in {log})")
    return 0


def _export_table(args: argparse.Namespace, exports: Path, caller: Caller, log: Path) -> int:
    from sepakat_dagster.access import export_log
    from sepakat_dagster.defs.marts.planning_export import export_planning_table

    result = export_planning_table(args.warehouse, args.table, args.regency, args.out or exports, args.format)
    export_log.record(log, caller, export_log.TABLE, result.table, result.regency_code, rows=result.rows,
                      file=result.path)
    print(f"Wrote {result.rows:,} rows of {result.table} for regency {result.regency_code} to {result.path} "
          f"({len(result.columns)} columns; publishable, small cells suppressed)")
    return 0


def add_export_command(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `export` to the `sepakat` command's subparsers."""
    export = subparsers.add_parser(
        "export", help="write one regency's by-name-by-address targeting list for one programme (restricted)")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--program",
                      help="a programme of the eligibility rules seed, e.g. pbi_jk (PBI-JK etc. also accepted); "
                      "needs a role that may export by name, with a scope covering the regency")
    what.add_argument("--table", help="a publishable planning table instead, e.g. spm_planning_targets or "
                      "rad_pd_disability_by_sex")
    export.add_argument("--regency", required=True, help="4-digit Kemendagri regency code, e.g. 5371")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="with --table: the file type")
    export.add_argument("--out", type=Path, help="with --program: output .csv or .parquet (default exports/"
                        "targeting_<program>_<regency>.csv beside the warehouse); with --table: the folder "
                        "(default exports/ beside the warehouse)")
    export.add_argument("--user", help="who exports, as named in the roles file (default: the OS account); "
                        "logged with the OS account")
    add_warehouse_option(export)
    export.set_defaults(handler=_export)
    return export
