"""Time `generate()` on a synthetic province, or `generate_national()` on a national sample: persons per second,
wall time and peak memory.

    python benchmarks/bench_generate.py --persons 1000000
    python benchmarks/bench_generate.py --provinces all --persons 100000   # 38 provinces x 100,000
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
    from sepakat_synthetic import generate, generate_national

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--province", default="53", help="any of the 38 province codes")
    parser.add_argument("--provinces", help="a national sample instead: comma-separated codes or `all`, "
                        "--persons each")
    parser.add_argument("--out", type=Path, help="keep the files here (default: a temporary folder)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sepakat-bench-") as scratch:
        out = args.out or Path(scratch)
        started = time.perf_counter()
        if args.provinces:
            from sepakat_synthetic.province_profiles import PROFILES

            codes = sorted(PROFILES) if args.provinces == "all" else args.provinces.split(",")
            national = generate_national(out, codes, args.persons, seed=args.seed)
            summaries = list(national.provinces.values())
        else:
            summaries = [generate(out, persons=args.persons, seed=args.seed, province=args.province)]
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    persons = sum(summary.persons for summary in summaries)
    households = sum(summary.households for summary in summaries)
    records = sum(rows for summary in summaries for name, rows in summary.files.items() if name.startswith("landing/"))
    files = sum(len(summary.files) - 5 for summary in summaries)
    print(f"provinces:        {len(summaries)}")
    print(f"persons:          {persons:,} in {households:,} households")
    print(f"landing records:  {records:,} in {files} files, {size / 1e6:,.0f} MB written")
    if args.provinces:
        print(f"movers:           {national.movers:,}; namesake pairs: {national.namesakes:,}")
    print(f"wall time:        {wall:.1f} s")
    print(f"persons/second:   {persons / wall:,.0f}")
    print(f"peak RSS:         {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
