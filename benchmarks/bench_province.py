"""A whole province refresh, timed stage by stage: seconds, rows, rows per second and peak resident memory.

    python benchmarks/bench_province.py [--persons 1375000 2750000 5500000] [--root data/bench] [--seed 42]
                                        [--province 53]

For each size the registries are generated once into <root>/p<N>/ (reused while generated.json holds the same
parameters; generation is timed apart and is not part of the figures). Then the real `sepakat refresh` runs as a
child process on a fresh warehouse, with its own Dagster instance, while the resident memory of its whole process
tree (dbt included) is sampled. The run's step events, read back from that instance, give each stage's seconds
and rows, and the samples inside a stage's steps give its peak. The figures are printed per size, with the
T(2N)/T(N) ratios across sizes, and written to <root>/bench_province.json. Targets: docs/performance.md.

The refresh runs as a province runs it: without the generator's ground truth, which real registries do not have
(the evaluation assets say so and skip). The linkage is then evaluated against the truth by the function the
evaluation asset calls, timed apart, and its precision, recall and F1 are printed and kept with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import dagster as dg
import yaml

from sepakat_dagster import duckdb_limits
from sepakat_dagster.cli import ensure_generated
from sepakat_dagster.defs.stages import OTHER, STAGES, step_stages
from sepakat_dagster.paths import REPO_ROOT
from sepakat_dagster.resource_usage import MIB, measure

DUCKDB_SETTINGS = (duckdb_limits.MEMORY_LIMIT_ENV, duckdb_limits.TEMP_DIR_ENV, duckdb_limits.THREADS_ENV)
BENCHMARK_KEY = "sepakat-benchmark-pseudonym-key-0001"  # fixed, so runs are comparable; synthetic data only
DEFAULT_SIZES = (1_375_000, 2_750_000, 5_500_000)
WITHHELD_TRUTH = "no-truth"  # the refresh's truth folder: none, as for real registries
TARGETS = {"peak_gib": 8, "ceiling_gib": 12, "total_minutes": 20, "ratio": 2.1, "at_persons": 5_500_000}
STEP_EVENTS = {
    dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
}


@dataclass
class Stage:
    steps: int = 0
    seconds: float = 0.0
    rows: int | None = None
    peak_mib: float | None = None
    windows: list[tuple[float, float]] = field(default_factory=list, repr=False)

    @property
    def rows_per_second(self) -> float | None:
        return self.rows / self.seconds if self.rows is not None and self.seconds > 0 else None


@dataclass
class Measured:
    persons: int
    run_id: str | None
    success: bool
    total_seconds: float
    peak_mib: float | None
    stages: dict[str, Stage]
    failed_steps: list[str]
    evaluation_seconds: float | None = None
    linkage_quality: list[dict] = field(default_factory=list)

    @property
    def outside_steps_seconds(self) -> float:
        """Start-up (imports, definitions), run planning and teardown: in the total, in no stage."""
        return self.total_seconds - sum(stage.seconds for stage in self.stages.values())

    def to_json(self) -> dict:
        stages = {name: {k: v for k, v in asdict(stage).items() if k != "windows"}
                  | {"rows_per_second": stage.rows_per_second} for name, stage in self.stages.items()}
        return {"persons": self.persons, "run_id": self.run_id, "success": self.success,
                "total_seconds": self.total_seconds, "outside_steps_seconds": self.outside_steps_seconds,
                "peak_mib": self.peak_mib, "stages": stages, "failed_steps": self.failed_steps,
                "evaluation_seconds": self.evaluation_seconds, "linkage_quality": self.linkage_quality}


def write_instance(home: Path) -> None:
    """A new Dagster instance in `home`: the repository's dagster.yaml, its storage folders (given relative to the
    working directory) made absolute under `home`, so that the child and this process read the same run history,
    whatever their working folder.

    New for every measurement: a benchmark interrupted mid-run leaves its run STARTED and its slot of the `duckdb`
    pool claimed in the instance, and the next refresh there would wait for that slot for ever."""

    def relocate(node):
        if isinstance(node, dict):
            return {k: str(home / v) if k == "base_dir" else relocate(v) for k, v in node.items()}
        return node

    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    config = relocate(yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text()))
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))


def child_environment(folder: Path, home: Path) -> dict[str, str]:
    """This environment without the pipeline's own locations (the demo's, when run from make), the DuckDB
    memory settings kept, so that a benchmark of other limits is one variable away."""
    keep = {k: v for k, v in os.environ.items()
            if k in DUCKDB_SETTINGS or not k.startswith(("SEPAKAT_", "DAGSTER_"))}
    return keep | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DAGSTER_HOME": str(home),
        "SEPAKAT_TRUTH": str(folder / WITHHELD_TRUTH),
        "SEPAKAT_REPORTS": str(folder / "reports"),
        "SEPAKAT_PSEUDONYM_KEY": BENCHMARK_KEY,
    }


def run_refresh(folder: Path, landing: Path, province: str, home: Path) -> tuple[float, float | None, list]:
    """`sepakat refresh` on a new warehouse, its process tree sampled: wall seconds, peak MiB, the samples."""
    warehouse = folder / "warehouse.duckdb"
    for previous in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        previous.unlink(missing_ok=True)
    command = [str(Path(sys.executable).parent / "sepakat"), "refresh", "--province", province,
               "--warehouse", str(warehouse), "--landing", str(landing)]
    child = subprocess.Popen(command, cwd=REPO_ROOT, env=child_environment(folder, home))
    with measure(pid=child.pid, keep_samples=True) as usage:
        child.wait()
    return usage.seconds, usage.peak_mib, usage.samples


def read_stages(instance: dg.DagsterInstance, run_id: str, graph, samples: list) -> tuple[dict[str, Stage], list]:
    """Each stage's steps, seconds, rows and peak from the run's events. A step's stage comes from the groups of
    the assets it was planned to materialise (so a failed step is placed too); a step planned to evaluate checks
    only is a gate."""
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    rows: dict[str, int] = {}
    failed: list[str] = []
    for entry in instance.all_logs(run_id, of_type=STEP_EVENTS):
        event, step = entry.dagster_event, entry.step_key
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            starts[step] = entry.timestamp
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            ends[step] = entry.timestamp
            if kind == dg.DagsterEventType.STEP_FAILURE:
                failed.append(step)
        else:
            count = entry.asset_materialization.metadata.get("dagster/row_count")
            if count is not None:
                rows[step] = rows.get(step, 0) + int(count.value)
    planned = step_stages(instance, run_id, graph)

    def stage_of(step: str) -> str:
        return planned.get(step, OTHER)

    stages: dict[str, Stage] = {}
    for step, started in starts.items():
        stage = stages.setdefault(stage_of(step), Stage())
        ended = ends.get(step, started)
        stage.steps += 1
        stage.seconds += ended - started
        stage.windows.append((started, ended))
        if step in rows:
            stage.rows = (stage.rows or 0) + rows[step]
    for stage in stages.values():
        inside = [rss for at, rss in samples if any(start <= at <= end for start, end in stage.windows)]
        stage.peak_mib = max(inside) / MIB if inside else None
    ordered = {name: stages[name] for name in (*STAGES, OTHER) if name in stages}
    return ordered, [f"{step} ({stage_of(step)})" for step in failed]


def measure_size(root: Path, persons: int, seed: int, province: str, graph) -> Measured:
    folder = root / f"p{persons}"
    landing = ensure_generated(folder, persons, seed, province)  # timed apart: not part of the figures
    home = folder / "dagster_home"
    write_instance(home)
    print(f"\nRefreshing {persons:,} persons ({folder})", flush=True)
    launched = dt.datetime.now(dt.UTC)
    seconds, peak, samples = run_refresh(folder, landing, province, home)
    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        records = instance.get_run_records(dg.RunsFilter(job_name="refresh", created_after=launched), limit=1)
        if not records:  # the command failed before its run was created (it said why above)
            return Measured(persons, None, False, seconds, peak, {}, ["the run was never created"])
        run = records[0].dagster_run
        stages, failed = read_stages(instance, run.run_id, graph, samples)
    success = run.status == dg.DagsterRunStatus.SUCCESS
    measured = Measured(persons, run.run_id, success, seconds, peak, stages, failed)
    if success:
        evaluate_linkage(measured, folder)
    return measured


def evaluate_linkage(measured: Measured, folder: Path) -> None:
    """The linkage of the refreshed warehouse against the ground truth, as the evaluation asset measures it."""
    from sepakat_dagster.defs.linkage import pipeline

    with measure() as usage:
        evaluated = pipeline.evaluate_warehouse(folder / "warehouse.duckdb", folder / "truth")
    measured.evaluation_seconds = usage.seconds
    measured.linkage_quality = evaluated.rows


def _cell(value: float | None, spec: str) -> str:
    return format(value, spec) if value is not None else "-"


def print_table(measured: Measured) -> None:
    print(f"\n{measured.persons:,} persons, run {measured.run_id}"
          f"{'' if measured.success else ' (FAILED)'}")
    print(f"{'stage':<18}{'steps':>6}{'seconds':>10}{'rows':>15}{'rows/s':>12}{'peak MiB':>11}")
    for name, stage in measured.stages.items():
        print(f"{name:<18}{stage.steps:>6}{stage.seconds:>10.1f}{_cell(stage.rows, ',d'):>15}"
              f"{_cell(stage.rows_per_second, ',.0f'):>12}{_cell(stage.peak_mib, ',.0f'):>11}")
    print(f"{'outside steps':<18}{'':>6}{measured.outside_steps_seconds:>10.1f}")
    print(f"{'total':<18}{'':>6}{measured.total_seconds:>10.1f}{'':>15}{'':>12}{_cell(measured.peak_mib, ',.0f'):>11}")
    if measured.linkage_quality:
        print("\nLinkage against the ground truth (evaluated after the refresh in "
              f"{measured.evaluation_seconds:.1f} s)")
        print(f"{'level':<10}{'segment':<24}{'precision':>10}{'recall':>10}{'f1':>10}")
        for row in measured.linkage_quality:
            print(f"{row['level']:<10}{row['segment']:<24}{_cell(row['precision'], '.5f'):>10}"
                  f"{_cell(row['recall'], '.5f'):>10}{_cell(row['f1'], '.5f'):>10}")
    if measured.persons >= TARGETS["at_persons"]:
        peak_gib = (measured.peak_mib or 0) / 1024
        print(f"targets: peak {peak_gib:.2f} GiB (<= {TARGETS['peak_gib']} GiB: "
              f"{'met' if peak_gib <= TARGETS['peak_gib'] else 'MISSED'}), total "
              f"{measured.total_seconds / 60:.1f} min (<= {TARGETS['total_minutes']} min: "
              f"{'met' if measured.total_seconds <= TARGETS['total_minutes'] * 60 else 'MISSED'})")


def ratios(results: list[Measured]) -> list[dict]:
    """T(larger)/T(smaller) between consecutive sizes, for the total and each stage present in both."""
    found = []
    for small, large in itertools.pairwise(results):
        row = {"from": small.persons, "to": large.persons, "factor": large.persons / small.persons,
               "total": large.total_seconds / small.total_seconds}
        for name in (*STAGES, OTHER):
            if name in small.stages and name in large.stages and small.stages[name].seconds > 0:
                row[name] = large.stages[name].seconds / small.stages[name].seconds
        found.append(row)
    return found


def print_ratios(rows: list[dict]) -> None:
    stages = [name for name in (*STAGES, OTHER) if any(name in row for row in rows)]
    print(f"\nT(2N)/T(N) (target for the total <= {TARGETS['ratio']})")
    print(f"{'sizes':<26}{'total':>8}" + "".join(f"{name:>11}" for name in stages))
    for row in rows:
        sizes = f"{row['from']:,} -> {row['to']:,}" + ("" if row["factor"] == 2 else f" (x{row['factor']:.2f})")
        print(f"{sizes:<26}{row['total']:>8.2f}" + "".join(f"{_cell(row.get(n), '.2f'):>11}" for n in stages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--root", type=Path, default=Path("data/bench"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--province", default="53", choices=["53", "75"])
    args = parser.parse_args(argv)
    root = args.root.resolve()  # the child runs from the repository root

    from sepakat_dagster.definitions import defs

    graph = defs().get_repository_def().asset_graph
    limits = duckdb_limits.limits(root / "warehouse.duckdb")
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO_ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    settings = {"commit": commit or None, "cores": os.cpu_count(),
                "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1),
                "duckdb_memory_limit": limits.memory_limit, "duckdb_threads": limits.threads,
                "seed": args.seed, "province": args.province}
    results: list[Measured] = []
    for persons in sorted(args.persons):
        measured = measure_size(root, persons, args.seed, args.province, graph)
        results.append(measured)
        print_table(measured)
        if not measured.success:
            print(f"\nThe refresh of {persons:,} persons failed: {', '.join(measured.failed_steps) or 'no step'}",
                  file=sys.stderr)
            break
    found = ratios([m for m in results if m.success])
    if found:
        print_ratios(found)
    out = root / "bench_province.json"
    out.write_text(json.dumps({"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                               "settings": settings, "targets": TARGETS,
                               "sizes": [m.to_json() for m in results], "ratios": found}, indent=2))
    print(f"\nFigures written to {out}")
    return 0 if all(m.success for m in results) else 1


if __name__ == "__main__":
    sys.exit(main())
