"""The `sepakat` command: generate demo registries, run the pipeline on them, and summarise the warehouse."""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sepakat_dagster import paths
from sepakat_dagster.defs.marts.export_cli import add_export_command
from sepakat_dagster.defs.publish.diff_cli import add_history_commands
from sepakat_dagster.defs.reports.settings import LANGUAGE_ENV, LANGUAGES
from sepakat_dagster.status import add_status_command
from sepakat_dagster.warehouse_option import add_warehouse_option, chosen_warehouse

if TYPE_CHECKING:  # dagster is imported where it is used, so that `sepakat --help` answers at once
    import dagster as dg


def _generate(args: argparse.Namespace) -> int:
    from sepakat_synthetic import ErrorRates, generate

    rates = ErrorRates.from_mapping(_read_yaml(args.error_rates)) if args.error_rates else None
    try:
        if args.provinces:
            return _generate_national(args, rates)
        summary = generate(args.out, persons=args.persons, seed=args.seed, province=args.province, error_rates=rates)
    except ValueError as error:  # an unknown province code or a size below one
        print(f"sepakat generate: {error}", file=sys.stderr)
        return 2
    print(f"Generated {summary.persons:,} persons in {summary.households:,} households "
          f"in {summary.seconds:.1f} s into {args.out}")
    for name, rows in summary.files.items():
        print(f"  {name:<55} {rows:>10,} rows")
    return 0


def _generate_national(args: argparse.Namespace, rates: object) -> int:
    """`--provinces 53,75,31` (or `all`): a national sample, `--persons` per province."""
    from sepakat_synthetic import generate_national
    from sepakat_synthetic.province_profiles import PROFILES

    provinces = sorted(PROFILES) if args.provinces == "all" else args.provinces.split(",")
    summary = generate_national(args.out, provinces, args.persons, seed=args.seed, error_rates=rates)
    for province, one in summary.provinces.items():
        print(f"  {province}: {one.persons:,} persons in {one.households:,} households in {one.seconds:.1f} s")
    print(f"Generated {len(summary.provinces)} provinces, {summary.movers:,} movers and {summary.namesakes:,} "
          f"namesake pairs in {summary.seconds:.1f} s into {args.out}")
    return 0


def _read_yaml(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def generator_fingerprint() -> str:
    """A digest of the generator's source code: same seed and code, same files; other code, other files."""
    import sepakat_synthetic

    digest = hashlib.sha256()
    for path in sorted(Path(sepakat_synthetic.__file__).parent.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_generated(folder: Path, persons: int, seed: int, province: str) -> Path:
    """Generate a province into `folder` (landing/ and truth/) once per (persons, seed, province) and version of the
    generator: a second call with the same parameters reuses it (generated.json records them); files of an older
    generator are made again, since they may lack a source the pipeline now reads. Returns the landing folder.

    The generator runs in a child process, so that its memory (6.1 GiB resident at 5.5 million persons) is given
    back before a refresh runs in this one: generated in this process, a 5.5-million-person demo peaked at 8.0 GiB.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from sepakat_synthetic import generate

    stamp = folder / "generated.json"
    wanted = {"persons": persons, "seed": seed, "province": province, "generator": generator_fingerprint()}
    if stamp.exists() and json.loads(stamp.read_text())["parameters"] == wanted:
        print(f"Registries for {wanted} already in {folder}")
        return folder / "landing"
    for stale in ("landing", "truth"):
        shutil.rmtree(folder / stale, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        summary = pool.submit(generate, folder, persons=persons, seed=seed, province=province).result()
    stamp.write_text(json.dumps({"parameters": wanted, "seconds": summary.seconds, "files": summary.files}, indent=2))
    print(f"Generated {persons:,} persons (seed {seed}, province {province}) in {summary.seconds:.1f} s")
    return folder / "landing"


def ensure_generated_national(folder: Path, provinces: list[str], persons: int, seed: int) -> None:
    """Generate a national sample of `provinces` (`persons` each) into folder/<code>/ and folder/national_truth/,
    once per parameters and generator version, like `ensure_generated`. A province folder that a one-province
    `ensure_generated` wrote since (its own generated.json) makes the sample stale, and generating the sample
    removes such files, so neither reuses the other's registries."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from sepakat_synthetic import generate_national

    stamp = folder / "generated.json"
    wanted = {"persons": persons, "seed": seed, "provinces": provinces, "generator": generator_fingerprint()}
    alone = [folder / code / "generated.json" for code in provinces]
    if stamp.exists() and json.loads(stamp.read_text())["parameters"] == wanted and not any(p.exists() for p in alone):
        print(f"Registries for {wanted} already in {folder}")
        return
    for code in provinces:
        shutil.rmtree(folder / code / "landing", ignore_errors=True)
        shutil.rmtree(folder / code / "truth", ignore_errors=True)
        (folder / code / "generated.json").unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        summary = pool.submit(generate_national, folder, provinces, persons, seed=seed).result()
    stamp.write_text(json.dumps({"parameters": wanted, "seconds": summary.seconds}, indent=2))
    print(f"Generated {persons:,} persons in each of provinces {', '.join(provinces)} (seed {seed}) "
          f"in {summary.seconds:.1f} s")


def local_pseudonym_key(data_dir: Path) -> str | None:
    """A random local key for the marts' pseudonyms, made once in the data folder and kept out of git (data/ is
    ignored), so that `demo` and `refresh` work on a machine that has never been given one; None when an explicit
    SEPAKAT_PSEUDONYM_KEY is set, which wins. There is never a built-in default key. The file must be kept (and backed
    up with the warehouse): another key gives every person another pseudonym.
    """
    import secrets

    if os.environ.get(paths.PSEUDONYM_KEY):
        return None
    key_file = data_dir / ".pseudonym_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
        print(f"Created a random pseudonym key in {key_file} (keep it secret; the marts depend on it)")
    return key_file.read_text().strip()


class RefreshFailed(Exception):
    """A refresh run that failed. The message names failed steps and checks, the log and the run, never a value
    from the data: step error messages can quote a delivered file, so they stay in the log and the Dagster UI."""


def _run_refresh(warehouse: Path | str, landing: Path | str, province: str, log_path: Path,
                 pseudonym_key: str | None = None) -> str:
    """Run the `refresh` job for `province` (its partition) in this process, recorded in the persistent instance
    (DAGSTER_HOME); the run id. `warehouse` and `landing` are paths, or templates holding `{province}`.

    The run's locations (and the pseudonym key, when given) reach its resources and dbt through the environment,
    set before the definitions load (`paths.run_environment`).
    """
    os.environ.update(paths.run_environment(warehouse, landing, pseudonym_key))
    print(f"Refreshing province {province} from {paths.fill_province(str(landing), province, 'landing')} "
          f"(step output in {log_path})", flush=True)
    published = paths.fill_province(str(warehouse), province, paths.WAREHOUSE.variable)
    return _run_job("refresh", log_path, published, partition_key=province)


def _run_national(log_path: Path) -> str:
    """Run the national pass (job `national`) over every published province warehouse; the run id."""
    print(f"National pass over the published provinces (step output in {log_path})", flush=True)
    return _run_job("national", log_path, paths.NATIONAL_WAREHOUSE.path())


def _run_job(name: str, log_path: Path, published: Path, partition_key: str | None = None) -> str:
    """Run job `name` in this process, recorded in the persistent instance (DAGSTER_HOME); the run id.

    What the steps print (dbt's progress lines above all) and Dagster's own console output (with a stack trace for
    every failed step) go to `log_path`; the terminal gets the warnings the steps logged, then the summary, or on
    failure a short account of what failed and where to look (`RefreshFailed`), and what readers of `published`
    still see. The Dagster UI has every step's logs too.
    """
    import contextlib

    import dagster as dg

    from sepakat_dagster.definitions import defs
    from sepakat_dagster.defs.publish.interrupted_runs import fail_interrupted_runs, process_tags
    from sepakat_dagster.defs.stages import step_stages

    job = defs().resolve_job_def(name)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with dg.DagsterInstance.get() as instance:
        for interrupted in fail_interrupted_runs(instance):
            print(f"Run {interrupted} was interrupted (its process is gone): marked failed; it published nothing")
        with log_path.open("w") as log, contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            result = job.execute_in_process(
                instance=instance,
                partition_key=partition_key,
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
                raise_on_error=False,
                tags=process_tags(),
            )
        _print_warnings(instance, result.run_id)
        if not result.success:
            stages = step_stages(instance, result.run_id, defs().resolve_asset_graph())
            raise RefreshFailed(_describe_failure(result, log_path, stages, published))
    return result.run_id


def _print_warnings(instance: dg.DagsterInstance, run_id: str) -> None:
    """The warnings the steps logged (rows quarantined, for instance), which Dagster's console would have shown."""
    import logging

    warnings = [entry for entry in instance.all_logs(run_id)
                if not entry.is_dagster_event and entry.level == logging.WARNING]
    for entry in warnings:
        print(f"warning: {entry.step_key or 'run'}: {entry.user_message}", file=sys.stderr)


def _describe_failure(result: dg.ExecuteInProcessResult, log_path: Path, stages: dict[str, str],
                      warehouse: Path) -> str:
    """Which steps (in which stage) and checks failed, by key and name only, where their errors are, and what
    readers see now: the last published run, untouched."""
    import dagster as dg

    failed_steps = sorted(f"{step} ({stages.get(step, 'other')} stage)" for step in result.get_failed_step_keys())
    not_passed = [evaluation for evaluation in result.get_asset_check_evaluations() if not evaluation.passed]
    failed_checks = sorted(f"{evaluation.check_name} on {evaluation.asset_key.to_user_string()}"
                           for evaluation in not_passed if evaluation.severity == dg.AssetCheckSeverity.ERROR)
    warned = len(not_passed) - len(failed_checks)  # listed in the quality report; they stop nothing
    lines = [f"The refresh run {result.run_id} failed."]
    lines += ["Failed steps:", *(f"  {step}" for step in failed_steps)] if failed_steps else \
        ["No step failed: the run itself did (see the log)."]
    if failed_checks:
        lines += ["Failed checks:", *(f"  {check}" for check in failed_checks)]
    if warned:
        lines.append(f"{warned} more checks failed at severity WARN (they stop nothing; the Dagster UI lists them)")
    lines.append(f"Nothing was published: {_published_state(warehouse)}")
    lines += [
        f"Step output and errors: {log_path}",
        f"Every step's logs: run {result.run_id} in the Dagster UI (`make ui`, then "
        f"http://127.0.0.1:3000/runs/{result.run_id})",
    ]
    return "\n".join(lines)


def _published_state(warehouse: Path) -> str:
    """What readers of `warehouse` see: the last published run, or nothing yet."""
    from sepakat_dagster import duckdb_limits
    from sepakat_dagster.defs.publish import history

    if not warehouse.exists():
        return f"{warehouse} has never been published."
    with duckdb_limits.connect(warehouse, read_only=True) as con:
        published = history.runs(con)
    if not published:
        return f"{warehouse} is as it was (no published run in its history)."
    last = published[0]
    return f"{warehouse} still holds run {last['run_id'][:8]}, published {last['published_at']:%Y-%m-%d %H:%M} UTC."


def _demo(args: argparse.Namespace) -> int:
    """Generate the demo provinces once, refresh each as its own partition into its own warehouse
    (data/provinces/<code>/), and print the first province's summary."""
    started = time.monotonic()
    provinces = args.provinces or [args.province]
    warehouses = args.data_dir / "provinces" / paths.PROVINCE / "warehouse.duckdb"
    landing = ensure_demo_generated(args.data_dir / "demo", provinces, args.persons, args.seed)
    key = local_pseudonym_key(args.data_dir)  # one key for every province: a person's pseudonym is national
    for province in provinces:
        log_path = args.data_dir / "logs" / f"refresh-{province}.log"
        run_id = _run_refresh(warehouses, landing, province, log_path, key)
        print(f"\nRefresh run {run_id} of province {province} succeeded (step output in {log_path})")
        _assign_demo_walidata(paths.fill_province(str(warehouses), province, "warehouse"), province)
    if len(provinces) > 1:
        os.environ.update({paths.NATIONAL_WAREHOUSE.variable: str(args.data_dir / "national" / "warehouse.duckdb"),
                           paths.NATIONAL_TRUTH.variable: str(args.data_dir / "demo" / "national_truth")})
        log_path = args.data_dir / "logs" / "national.log"
        run_id = _run_national(log_path)
        print(f"\nNational pass {run_id} over provinces {', '.join(provinces)} succeeded (step output in {log_path})")
        _print_national_summary(paths.NATIONAL_WAREHOUSE.path())
    first = paths.fill_province(str(warehouses), provinces[0], "warehouse")
    _print_summary(first)
    reports = first.parent / "reports"
    print(f"\nForum report (Bahasa Indonesia, English): {reports / 'latest.html'} "
          f"(one per regency in {reports / 'regencies'}; the other provinces' beside their warehouses in "
          f"{args.data_dir / 'provinces'})")
    print(f"great-expectations Data Docs: {reports / 'data_docs' / 'index.html'}")
    print(f"Demo finished in {time.monotonic() - started:.0f} s")
    return 0


def ensure_demo_generated(folder: Path, provinces: list[str], persons: int, seed: int) -> Path:
    """The demo's registries: one province generated alone, or several as a national sample (people who moved
    between them, namesakes), each province in folder/<code>/; the landing template (`{province}` in it)."""
    if len(provinces) == 1:
        ensure_generated(folder / provinces[0], persons, seed, provinces[0])
    else:
        ensure_generated_national(folder, provinces, persons, seed)
    return folder / paths.PROVINCE / "landing"


def _national(args: argparse.Namespace) -> int:
    """The national pass alone, over every province warehouse published so far."""
    started = time.monotonic()
    log_path = paths.NATIONAL_WAREHOUSE.path().parent / "logs" / "national.log"
    run_id = _run_national(log_path)
    print(f"National pass {run_id} succeeded in {time.monotonic() - started:.0f} s (step output in {log_path})")
    _print_national_summary(paths.NATIONAL_WAREHOUSE.path())
    return 0


def _print_national_summary(warehouse: Path) -> None:
    from sepakat_dagster.defs.national.summary import render_summary

    print(render_summary(warehouse))


def _assign_demo_walidata(warehouse: Path, province: str) -> None:
    from sepakat_dagster.access.roles import assign_demo_walidata, assignments_path

    roles = assignments_path(warehouse)
    if assign_demo_walidata(roles, province):
        print(f"You are the demo province's walidata (may export by name): {roles}")


def _refresh(args: argparse.Namespace) -> int:
    """Refresh every asset from the registries already in the landing folder (no generation, unlike `demo`).

    Paths are made absolute first: the run's resources and great-expectations' stores refuse relative ones, and dbt
    runs in its project folder. The pseudonym key is SEPAKAT_PSEUDONYM_KEY or, without it, the data folder's own.
    """
    started = time.monotonic()
    warehouse = (args.data_dir / "warehouse.duckdb" if args.data_dir
                 else args.warehouse or paths.province_warehouse(args.province)).resolve()
    landing = (args.landing or paths.LANDING.path(args.province)).resolve()
    log_path = (args.log or warehouse.parent / "logs" / "refresh.log").resolve()
    run_id = _run_refresh(warehouse, landing, args.province, log_path, local_pseudonym_key(warehouse.parent))
    print(f"Refresh run {run_id} succeeded in {time.monotonic() - started:.0f} s (step output in {log_path})")
    return 0


def _summary(args: argparse.Namespace) -> int:
    _print_summary(chosen_warehouse(args))
    return 0


def _link(args: argparse.Namespace) -> int:
    from sepakat_dagster.defs.linkage.generic import link_files
    from sepakat_dagster.defs.linkage.mapping import MappingError, load_mapping

    try:
        summary = link_files(args.left, args.right, load_mapping(args.config), args.out, model=args.model)
    except (MappingError, ValueError, FileNotFoundError) as error:
        print(f"sepakat link: {error}", file=sys.stderr)
        return 2
    print(summary.describe())
    return 0


def _report(args: argparse.Namespace) -> int:
    """The quality and lineage report from the warehouse and the run history of this DAGSTER_HOME."""
    import dagster as dg

    from sepakat_dagster.definitions import defs
    from sepakat_dagster.defs.quality.gates import stage_by_asset
    from sepakat_dagster.defs.reports.assets import PUBLISHED
    from sepakat_dagster.defs.reports.evidence import collect_gates, collect_lineage
    from sepakat_dagster.defs.reports.report import write_report

    definitions = defs()
    with dg.DagsterInstance.get() as instance:
        gates = collect_gates(instance, definitions)
    lineage = collect_lineage(definitions, PUBLISHED)
    warehouse = chosen_warehouse(args)
    out = args.out or warehouse.parent / "reports"
    path = write_report(warehouse, out, gates, lineage, suite_stages=stage_by_asset(), language=args.lang).path
    print(f"Report written to {path} (and {out / 'latest.html'}, {out / 'regencies'})")
    return 0


def _print_summary(warehouse: Path) -> None:
    from sepakat_dagster.defs.reports.summary import render_summary

    print(render_summary(warehouse))


def _province_choices() -> tuple[str, ...]:
    from sepakat_dagster.provinces import province_codes

    return province_codes()


def _province_list(text: str) -> list[str]:
    codes = [code.strip() for code in text.split(",") if code.strip()]
    unknown = sorted(set(codes) - set(_province_choices()))
    if unknown or not codes or len(set(codes)) != len(codes):
        raise argparse.ArgumentTypeError(f"province codes of the national reference, each once (not {unknown or text})")
    return codes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sepakat", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write synthetic registries and their ground truth")
    generate.add_argument("--persons", type=int, required=True)
    generate.add_argument("--seed", type=int, default=42)
    generate.add_argument("--out", type=Path, required=True)
    one_or_many = generate.add_mutually_exclusive_group()
    one_or_many.add_argument("--province", default="53", help="any of the 38 province codes (default 53)")
    one_or_many.add_argument("--provinces", help="a national sample: comma-separated codes or `all`, "
                             "--persons each, one folder per province and national_truth/")
    generate.add_argument("--error-rates", type=Path, help="YAML mapping of error rates overriding the defaults")
    generate.set_defaults(handler=_generate)

    demo = commands.add_parser("demo", help="generate demo provinces (once) and refresh every asset on each")
    demo.add_argument("--persons", type=int, default=200_000, help="persons per province")
    demo.add_argument("--seed", type=int, default=42)
    chosen = demo.add_mutually_exclusive_group()
    chosen.add_argument("--province", default=paths.DEMO_PROVINCE, choices=_province_choices())
    chosen.add_argument("--provinces", type=_province_list,
                        help="several provinces as a national sample, e.g. 53,75,31 (each its own partition)")
    demo.add_argument("--data-dir", type=Path, default=paths.DEFAULT_DATA_DIR)
    demo.set_defaults(handler=_demo)

    national = commands.add_parser("national", help="the national pass over every published province warehouse "
                                   "(SEPAKAT_WAREHOUSE with {province}) into SEPAKAT_NATIONAL_WAREHOUSE")
    national.set_defaults(handler=_national)

    refresh = commands.add_parser("refresh", help="refresh every asset from the registries already landed")
    refresh.add_argument("--province", required=True, choices=_province_choices(),
                         help="the province the deliveries are for: the run's partition")
    where = refresh.add_mutually_exclusive_group()
    where.add_argument("--warehouse", type=Path, help="the warehouse file (default: the province's, see paths)")
    where.add_argument("--data-dir", type=Path, help="the data folder: its warehouse.duckdb, logs/, reports/, "
                       "exports/ and pseudonym key (instead of --warehouse)")
    refresh.add_argument("--landing", type=Path, help="one folder per registry (default: the province's)")
    refresh.add_argument("--log", type=Path, help="step output (default: logs/refresh.log beside the warehouse)")
    refresh.set_defaults(handler=_refresh)

    report = commands.add_parser("report", help="write the static HTML quality and lineage report")
    add_warehouse_option(report)
    report.add_argument("--out", type=Path, help="the report folder (default: reports/ beside the warehouse)")
    report.add_argument("--lang", choices=LANGUAGES, default=None,
                        help=f"the language the report opens in (default: {LANGUAGE_ENV}, else {LANGUAGES[0]})")
    report.set_defaults(handler=_report)

    add_export_command(commands)
    add_history_commands(commands)
    add_status_command(commands)

    summary = commands.add_parser("summary", help="print what the warehouse holds")
    add_warehouse_option(summary)
    summary.set_defaults(handler=_summary)

    link = commands.add_parser("link", help="link two person files (or dedupe one) described by a mapping YAML")
    link.add_argument("left", type=Path, help="CSV or Parquet file")
    link.add_argument("right", type=Path, nargs="?", help="second file; without it LEFT is deduplicated")
    link.add_argument("--config", type=Path, required=True, help="mapping YAML (see docs/generic-linkage.md)")
    link.add_argument("--out", type=Path, required=True, help="folder for pairs, clusters and the trained model")
    link.add_argument("--model", type=Path, help="score with this model.json instead of training on the input")
    link.set_defaults(handler=_link)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The command's exit code. A failed refresh is an outcome, not a crash: it is reported on stderr and returns 1
    through the same quiet exit as a success (`run`), without a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except RefreshFailed as failure:
        print(f"\n{failure}", file=sys.stderr)
        return 1


def run() -> None:
    """The `sepakat` command. Everything is closed when `main` returns, so the interpreter's teardown is skipped:
    with great-expectations and duckdb-engine both loaded, duckdb 2.0's bindings print reference-leak warnings
    while the interpreter shuts down, which would end every demo with a page of noise."""
    code = main()
    atexit._run_exitfuncs()  # what exit handlers clean up (multiprocessing's semaphores, logging) still happens
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
