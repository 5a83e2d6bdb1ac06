"""The `--province` / `--warehouse` pair every command that reads a published warehouse takes: a province's own
warehouse (the demo province's unless named), or a file named directly. Free of Dagster imports, like the command."""

import argparse
from pathlib import Path

from sepakat_dagster import paths
from sepakat_dagster.provinces import province_codes


def add_warehouse_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--province", default=paths.DEMO_PROVINCE, choices=province_codes(),
                        help="whose published warehouse (default: the demo province)")
    parser.add_argument("--warehouse", type=Path, help="a warehouse file, instead of the province's")


def chosen_warehouse(args: argparse.Namespace) -> Path:
    """The warehouse a command reads: --warehouse when given, otherwise the province's."""
    return args.warehouse or paths.province_warehouse(args.province)
