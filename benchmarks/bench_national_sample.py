"""A national sample end to end: generate every province at one size, refresh each as its own partition, then
run the national pass over the published warehouses; print each province's wall time and peak memory, the
national pass's, and its cross-province linkage quality against the sample's truth.

    python benchmarks/bench_national_sample.py --persons 100000 [--provinces all|53,75,31] [--root data/bench/national]
                                              [--seed 42] [--parallel 2] [--resume]

Each province refreshes with `sepakat refresh --province P` (one process each, as a partition run), `--parallel`
at a time, as the production instance runs two provinces side by side; the national cost is the provinces' wall
time plus the pass (docs/performance.md, "National sample"). A province whose
refresh fails is reported and left out of the pass, as the pass leaves out any unpublished province. Figures go
to <root>/p<N>/bench_national_sample.json. Not a test: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sepakat_dagster import duckdb_limits, paths
from sepakat_dagster.cli import ensure_generated_national
from sepakat_dagster.defs.national import evaluate
from sepakat_dagster.provinces import province_codes
from sepakat_dagster.resource_usage import measure
from sepakat_dagster.warehouse import fetch_dicts, has_table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_province import BENCHMARK_KEY, WITHHELD_TRUTH, write_instance


def environment(root: Path, home: Path) -> dict[str, str]:
    """The partitioned layout under `root` on the benchmark's own instance. The provinces refresh without their
    truth, as real registries do (the truth is read only by the national pass's evaluation)."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SEPAKAT_", "DAGSTER_"))}
    return keep | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DAGSTER_HOME": str(home),
        "SEPAKAT_PSEUDONYM_KEY": BENCHMARK_KEY,
        "SEPAKAT_WAREHOUSE": str(root / "provinces" / paths.PROVINCE / "warehouse.duckdb"),
        "SEPAKAT_LANDING": str(root / "demo" / paths.PROVINCE / "landing"),
        "SEPAKAT_TRUTH": str(root / WITHHELD_TRUTH),
        "SEPAKAT_NATIONAL_WAREHOUSE": str(root / "national" / "warehouse.duckdb"),
        "SEPAKAT_NATIONAL_TRUTH": str(root / "demo" / "national_truth"),
    }


def timed(command: list[str], env: dict[str, str], log: Path) -> dict:
    """Run `command` with its process tree sampled: exit code, wall seconds, peak MiB; its output into `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        child = subprocess.Popen(command, cwd=paths.REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        with measure(pid=child.pid) as usage:
            child.wait()
    return {"exit_code": child.returncode, "seconds": round(usage.seconds, 1), "peak_mib": round(usage.peak_mib or 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, required=True, help="persons per province")
    parser.add_argument("--provinces", default="all", help="'all' or comma-separated codes")
    parser.add_argument("--root", type=Path, default=paths.DEFAULT_DATA_DIR / "bench" / "national")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--parallel", type=int, default=1, help="provinces refreshed at a time")
    parser.add_argument("--resume", action="store_true",
                        help="keep the provinces an earlier run of this root published (same code assumed)")
    args = parser.parse_args()
    provinces = list(province_codes()) if args.provinces == "all" else args.provinces.split(",")
    root = (args.root / f"p{args.persons}").resolve()
    home = root / "dagster_home"
    if not args.resume:
        write_instance(home)
    ensure_generated_national(root / "demo", provinces, args.persons, args.seed)
    env = environment(root, home)
    sepakat = str(Path(sys.executable).parent / "sepakat")

    figures: dict = {"persons_per_province": args.persons, "provinces": {}, "seed": args.seed,
                     "parallel": args.parallel}

    def refresh(province: str) -> None:
        kept = root / "results" / f"{province}.json"
        if args.resume and kept.exists() and json.loads(kept.read_text())["exit_code"] == 0:
            figures["provinces"][province] = json.loads(kept.read_text()) | {"resumed": True}
            return
        result = timed([sepakat, "refresh", "--province", province], env, root / "logs" / f"refresh-{province}.log")
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps(result))
        figures["provinces"][province] = result
        print(f"province {province}: {result}", flush=True)

    started = time.monotonic()
    with ThreadPoolExecutor(args.parallel) as pool:
        list(pool.map(refresh, provinces))
    figures["provinces_wall_seconds"] = round(time.monotonic() - started, 1)
    national_env = env | {"SEPAKAT_TRUTH": str(root / "demo" / paths.PROVINCE / "truth")}
    figures["national"] = timed([sepakat, "national"], national_env, root / "logs" / "national.log")
    print(f"national pass: {figures['national']}", flush=True)
    national = root / "national" / "warehouse.duckdb"
    if national.exists():
        with duckdb_limits.connect(national, read_only=True) as con:
            schema, table = evaluate.LINKAGE.split(".")
            if has_table(con, schema, table):
                figures["linkage"] = fetch_dicts(con, f"select * from {evaluate.LINKAGE} order by all")
    refreshed = [p["seconds"] for p in figures["provinces"].values() if p["exit_code"] == 0]
    figures["provinces_published"] = len(refreshed)
    figures["province_seconds_total"] = round(sum(refreshed), 1)
    figures["provinces_failed"] = sorted(p for p, r in figures["provinces"].items() if r["exit_code"] != 0)
    out = root / "bench_national_sample.json"
    out.write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps({k: v for k, v in figures.items() if k != "provinces"}, indent=2, default=str))
    print(f"figures in {out}")


if __name__ == "__main__":
    main()
