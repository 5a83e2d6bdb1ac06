"""Ingestion speed: load every source of a generated province into a fresh warehouse and print rows per second.

    python benchmarks/bench_ingest.py --persons 1000000 [--workdir benchmarks/out] [--also-as utf-16,windows-1252]

The warehouse is opened like the pipeline's (duckdb_limits: memory limit and spill folder). --also-as loads every
file a second time re-encoded as each given encoding (as a spreadsheet would save it; the catalogue declaring it),
which measures the streaming transcode to UTF-8 on top of the load.
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import resource
import shutil
import time
from pathlib import Path

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.sources.catalog import codec_of, load_catalog
from sepakat_dagster.defs.sources.loader import find_landed_file, is_delivered, load_source
from sepakat_synthetic import generate


def load_all(landing: Path, warehouse: Path, encoding: str | None = None) -> None:
    total_rows, started = 0, time.perf_counter()
    with duckdb_limits.connect(warehouse) as con:
        for source in load_catalog().values():
            if source.optional and not is_delivered(source, landing):
                continue  # the national pass's flags: never generated
            if encoding:
                source = dataclasses.replace(source, format=dataclasses.replace(source.format, encoding=encoding))
            landed = find_landed_file(source, landing)
            t0 = time.perf_counter()
            result = load_source(con, source, landed)
            seconds = time.perf_counter() - t0
            total_rows += result.rows_read
            print(f"{source.name:<24}{result.rows_read:>11,} rows {seconds:>7.2f} s"
                  f"{result.rows_read / seconds:>12,.0f} rows/s  quarantined {result.rows_quarantined:,}"
                  f"  ({result.encoding})")
    seconds = time.perf_counter() - started
    print(f"total: {total_rows:,} rows in {seconds:.1f} s ({total_rows / seconds:,.0f} rows/s)"
          f"{f' as {encoding}' if encoding else ''}")


def reencode(landing: Path, target: Path, encoding: str) -> None:
    """Every landed file as `encoding` (with Excel's byte-order mark for UTF-16), a block at a time."""
    codec = codec_of(encoding)
    for path in landing.rglob("*"):
        if not path.is_file():
            continue
        copy = target / path.relative_to(landing)
        copy.parent.mkdir(parents=True, exist_ok=True)
        decoder = codecs.getincrementaldecoder("utf-8")()
        with path.open("rb") as reader, copy.open("wb") as writer:
            if codec.startswith("utf-16"):
                writer.write(codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE)
            for block in iter(lambda: reader.read(1 << 22), b""):
                writer.write(decoder.decode(block).encode(codec, errors="replace"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/ingest"))
    parser.add_argument("--also-as", default="", help="comma-separated encodings to load the files again in")
    args = parser.parse_args()

    shutil.rmtree(args.workdir, ignore_errors=True)
    generate(args.workdir, persons=args.persons, seed=args.seed)
    load_all(args.workdir / "landing", args.workdir / "warehouse.duckdb")
    for encoding in filter(None, args.also_as.split(",")):
        landing = args.workdir / f"landing_{encoding}"
        t0 = time.perf_counter()
        reencode(args.workdir / "landing", landing, encoding)
        print(f"(re-encoded the landing files as {encoding} in {time.perf_counter() - t0:.1f} s, not counted)")
        load_all(landing, args.workdir / f"warehouse_{encoding}.duckdb", encoding)
        shutil.rmtree(landing)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"for {args.persons:,} persons; peak RSS {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
