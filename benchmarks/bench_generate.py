"""Time `generate()` on a synthetic province: persons per second, wall time and peak memory.

    python benchmarks/bench_generate.py --persons 1000000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(REPO_ROOT))  # runs from a checkout without installing the package
    from sepakat_synthetic import generate

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--province", default="53", choices=["53", "75"])
    parser.add_argument("--out", type=Path, help="keep the files here (default: a temporary folder)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sepakat-bench-") as scratch:
        out = args.out or Path(scratch)
        started = time.perf_counter()
        summary = generate(out, persons=args.persons, seed=args.seed, province=args.province)
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    records = sum(rows for name, rows in summary.files.items() if name.startswith("landing/"))
    print(f"persons:          {summary.persons:,} in {summary.households:,} households")
    print(f"landing records:  {records:,} in {len(summary.files) - 3} files, {size / 1e6:,.0f} MB written")
    print(f"wall time:        {wall:.1f} s")
    print(f"persons/second:   {summary.persons / wall:,.0f}")
    print(f"peak RSS:         {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
