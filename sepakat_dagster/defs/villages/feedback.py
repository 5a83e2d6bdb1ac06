"""The per-village feedback files for SID: each village's answers, one CSV and one JSON file per village.

Written from DuckDB: the CSV files by one partitioned COPY, the JSON documents (header and answers) built per village
in SQL and streamed out in batches, so a province's answers never sit in Python whole. The files carry the village's
own proposal id, the proposal's type and dates, the answer, its reason and what happened, in Bahasa Indonesia and
English: never a NIK, name or remark, which the answers table does not hold either. The layout is declared once, in
`feedback.schema.json` beside this module, and documented in docs/villages.md.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

ANSWERS_TABLE = "intermediate.int_marts_village_proposal_answers"
SCHEMA_PATH = Path(__file__).with_name("feedback.schema.json")
SCHEMA_ID = "sepakat-village-feedback/1"
# A village's answers in the order it reads them: by forum date, then by its own proposal id.
_ORDER = "forum_on nulls last, proposal_id nulls last, answer_key"
_BATCH = 500


def schema() -> dict:
    """The JSON Schema every feedback JSON file follows."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def feedback_columns() -> tuple[str, ...]:
    """The columns of a feedback file's answers, in order: the schema's, so the CSV and the JSON cannot drift."""
    return tuple(schema()["$defs"]["answer"]["properties"])


@dataclass(frozen=True)
class FeedbackFiles:
    villages: int
    answers: int
    without_village: int  # quarantined records whose village code names no village: no file can reach them
    by_answer: dict[str, int]


def _answer_select(answered_on: str) -> str:
    """SQL of a village's answer rows with the feedback columns (programmes as a list for JSON, text for CSV)."""
    return f"""
        select
            regency_code,
            village_code,
            answer_key,
            proposal_id,
            correction_type,
            correction_feed,
            event_on,
            forum_on,
            answer,
            reason_code,
            reason_id,
            reason_en,
            invalid_fields,
            outcome_id,
            outcome_en,
            programmes,
            date '{answered_on}' as answered_on
        from {ANSWERS_TABLE}
        where village_code is not null
    """


def write_feedback(con: duckdb.DuckDBPyConnection, folder: Path, run_id: str, generated_at: datetime
                   ) -> FeedbackFiles:
    """Write `<regency>/<village>.csv` and `.json` under `folder` (emptied first) for every village with answers."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    answered_on = generated_at.date().isoformat()
    columns = feedback_columns()
    rows = _answer_select(answered_on)
    _write_csv(con, folder, rows, columns)
    villages = _write_json(con, folder, rows, columns, run_id, generated_at)
    by_answer = dict(con.execute(
        f"select answer, count(*) from {ANSWERS_TABLE} group by answer order by answer").fetchall())
    answers, without_village = con.execute(
        f"select count(*), count(*) filter (where village_code is null) from {ANSWERS_TABLE}").fetchone()
    return FeedbackFiles(villages, answers, without_village, by_answer)


def _write_csv(con: duckdb.DuckDBPyConnection, folder: Path, rows: str, columns: tuple[str, ...]) -> None:
    """One partitioned COPY into hive folders, then each file renamed to <regency>/<village>.csv. One thread, so
    that each file keeps the query's order (a parallel partitioned write interleaves its threads' chunks)."""
    partitioned = folder / "_partitioned"
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    con.execute("set threads = 1")
    try:
        con.execute(f"""
            copy (select regency_code, village_code, {', '.join(columns)} from ({rows}) order by village_code, {_ORDER})
            to '{partitioned}' (format csv, header, partition_by (regency_code, village_code))
        """)
    finally:
        con.execute(f"set threads = {int(threads)}")
    for written in sorted(partitioned.glob("regency_code=*/village_code=*/*.csv")):
        regency = written.parent.parent.name.split("=", 1)[1]
        village = written.parent.name.split("=", 1)[1]
        target = folder / regency / f"{village}.csv"
        target.parent.mkdir(exist_ok=True)
        written.rename(target)
    shutil.rmtree(partitioned)


def _write_json(con: duckdb.DuckDBPyConnection, folder: Path, rows: str, columns: tuple[str, ...], run_id: str,
                generated_at: datetime) -> int:
    """One JSON document per village, built in SQL (header, counts, answers in order), fetched a batch at a time."""
    fields = ", ".join(
        f"'{c}': string_split(programmes, ',')" if c == "programmes" else f"'{c}': {c}" for c in columns)
    cursor = con.execute(f"""
        select
            regency_code,
            village_code,
            to_json({{
                'schema': '{SCHEMA_ID}',
                'village_code': village_code,
                'regency_code': regency_code,
                'run_id': $run_id,
                'generated_at': $generated_at,
                'counts': {{
                    'proposals': count(*),
                    'accepted': count(*) filter (where answer = 'accepted'),
                    'rejected': count(*) filter (where answer = 'rejected'),
                    'awaiting_verification': count(*) filter (where answer = 'awaiting_verification')
                }},
                'answers': list({{{fields}}} order by {_ORDER})
            }}) as document
        from ({rows})
        group by regency_code, village_code
        order by village_code
    """, {"run_id": run_id, "generated_at": generated_at.isoformat(timespec="seconds")})
    villages = 0
    while batch := cursor.fetchmany(_BATCH):
        for regency, village, document in batch:
            target = folder / regency / f"{village}.json"
            target.parent.mkdir(exist_ok=True)
            target.write_text(document + "\n", encoding="utf-8")
            villages += 1
    return villages
