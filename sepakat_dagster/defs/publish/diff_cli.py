"""`sepakat history` and `sepakat diff`: the published runs a warehouse keeps, and what moved between two of them."""

from __future__ import annotations

import argparse
import sys

from sepakat_dagster.warehouse_option import add_warehouse_option, chosen_warehouse


def _history(args: argparse.Namespace) -> int:
    import json

    from sepakat_dagster import duckdb_limits
    from sepakat_dagster.defs.publish import history

    warehouse = chosen_warehouse(args)
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        published = history.runs(con)
    if not published:
        print(f"{warehouse} holds no published run yet")
        return 0
    print(f"{'run':<10} {'published (UTC)':<20} {'cells':>9}  deliveries (source: vintage)")
    for run in published:
        deliveries = ", ".join(f"{d['source']}: {d['vintage'] or 'unknown'}" for d in json.loads(run["deliveries"]))
        print(f"{run['run_id'][:8]:<10} {run['published_at']:%Y-%m-%d %H:%M:%S} {run['cells']:>9,}  {deliveries}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from sepakat_dagster import duckdb_limits
    from sepakat_dagster.defs.publish import history

    with duckdb_limits.connect(chosen_warehouse(args), read_only=True) as con:
        try:
            before, after = history.resolve_run(con, args.run_a), history.resolve_run(con, args.run_b)
        except LookupError as error:
            print(f"sepakat diff: {error}", file=sys.stderr)
            return 2
        moved = history.changes(con, before, after, args.tolerance, args.mart or None)
    print(f"{len(moved):,} published values moved by more than {args.tolerance:.1%} from run {before[:8]} to "
          f"{after[:8]} (empty: suppressed or absent)")
    if moved:
        print(f"{'mart':<28} {'measure':<24} {'before':>14} {'after':>14} {'change':>12}  cell")
    for change in moved[:args.limit] if args.limit else moved:
        print(f"{change.mart:<28} {change.measure[:24]:<24} {_value(change.before):>14} {_value(change.after):>14} "
              f"{_value(change.difference):>12}  {change.cell}")
    if args.limit and len(moved) > args.limit:
        print(f"... {len(moved) - args.limit:,} more (--limit 0 lists all)")
    return 0


def _value(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}"


def add_history_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add `history` and `diff` to the `sepakat` command's subparsers."""
    listing = subparsers.add_parser("history", help="list the published runs the warehouse keeps")
    add_warehouse_option(listing)
    listing.set_defaults(handler=_history)

    diff = subparsers.add_parser("diff", help="what moved in the published marts between two published runs")
    diff.add_argument("run_a", help="the earlier run: its id or the first characters of it (`sepakat history`)")
    diff.add_argument("run_b", help="the later run")
    diff.add_argument("--tolerance", type=float, default=0.0,
                      help="relative change to ignore, e.g. 0.05 for 5 %% (default 0: every change)")
    diff.add_argument("--mart", action="append", help="only this mart (repeatable)")
    diff.add_argument("--limit", type=int, default=100, help="rows to print (0: all; default 100)")
    add_warehouse_option(diff)
    diff.set_defaults(handler=_diff)
