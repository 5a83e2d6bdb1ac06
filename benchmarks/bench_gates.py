"""Quality-gate speed: every great-expectations suite in expectations/ against a built warehouse, suite by suite.

    python benchmarks/bench_gates.py --warehouse benchmarks/out/marts/warehouse.duckdb [--out benchmarks/out/gates]

Run it on the warehouse `bench_marts.py` leaves behind (1M persons there), or on `data/warehouse.duckdb` after
`make demo`. Prints each suite's rows, expectations, result and seconds, then the total; the Data Docs go to --out.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from sepakat_dagster.defs.quality.gates import load_gates
from sepakat_dagster.defs.quality.validate import run_gate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/gates"))
    args = parser.parse_args()
    total = 0.0
    print(f"{'suite':<28}{'rows':>12}{'expectations':>14}{'result':>9}{'seconds':>9}")
    for gate in load_gates():
        with duckdb.connect(str(args.warehouse), read_only=True) as con:
            rows = con.execute(f"select count(*) from {gate.table}").fetchone()[0]
            parameters = gate.parameter_values(con)
        started = time.perf_counter()
        outcome = run_gate(gate, args.warehouse, parameters, args.out, "benchmark")
        seconds = time.perf_counter() - started
        total += seconds
        result = "pass" if outcome.success else "FAIL"
        print(f"{gate.suite_name:<28}{rows:>12,}{len(outcome.outcomes):>14}{result:>9}{seconds:>9.1f}")
    print(f"{'all suites':<63}{total:>9.1f}")


if __name__ == "__main__":
    main()
