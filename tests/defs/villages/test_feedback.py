"""The feedback files for SID, written from a small answers table in a real DuckDB file: one CSV and one JSON file
per village under its regency, the schema's columns only and in its order, the answers in forum order, a header
with the village's counts, nothing from a previous run and nothing for an answer no village can receive."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import jsonschema
import pytest

from sepakat_dagster.defs.villages import feedback

GENERATED_AT = datetime(2025, 7, 1, 8, 30, tzinfo=UTC)
# answer_key, proposal_id, village, type, forum date, answer, reason, invalid fields, programmes
ANSWERS = [
    ("f:3", "USL-3", "5301012001", "entry_proposed", "2025-03-01", "accepted", "entered_candidate_list", None,
     "bpnt,pbi_jk"),
    ("f:1", "USL-1", "5301012001", "deceased", "2025-01-10", "accepted", "death_recorded", None, None),
    ("f:2", "USL-2", "5301012001", "moved", "2025-02-01", "rejected", "nik_not_found", None, None),
    ("quarantine:f:9", None, "5371011002", "unknown", None, "rejected", "unreadable_record", "tanggal_musdes", None),
    ("f:4", "USL-4", "5371011002", "data_correction", "2025-04-01", "awaiting_verification", "data_review", None,
     None),
    ("quarantine:f:8", "USL-8", None, "deceased", "2025-05-01", "rejected", "unreadable_record", "kode_desa", None),
]


@pytest.fixture
def answers_db(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema intermediate")
    con.execute(f"""
        create table {feedback.ANSWERS_TABLE} (
            answer_key varchar, proposal_id varchar, quarantined boolean, correction_type varchar,
            correction_feed varchar, event_on date, forum_on date, village_code varchar, regency_code varchar,
            answer varchar, reason_code varchar, reason_id varchar, reason_en varchar, invalid_fields varchar,
            outcome_id varchar, outcome_en varchar, programmes varchar, source_file varchar, remarks varchar
        )
    """)
    for key, proposal, village, kind, forum, answer, reason, fields, programmes in ANSWERS:
        con.execute(
            f"insert into {feedback.ANSWERS_TABLE} values (?, ?, ?, ?, 'musdes', null, ?, ?, ?, ?, ?, ?, ?, ?, "
            "'hasil', 'outcome', ?, 'musdes/usulan.jsonl', 'personal remark')",
            [key, proposal, key.startswith("quarantine"), kind, forum, village, (village or "5399")[:4], answer,
             reason, f"alasan {reason}", f"reason {reason}", fields, programmes])
    yield con
    con.close()


def test_one_csv_and_one_json_per_village_under_its_regency(answers_db, tmp_path: Path):
    folder = tmp_path / "feedback"
    folder.mkdir()
    (folder / "stale.json").write_text("{}")  # a previous run's file never survives
    written = feedback.write_feedback(answers_db, folder, "run-1", GENERATED_AT)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.*")) == [
        "5301/5301012001.csv", "5301/5301012001.json", "5371/5371011002.csv", "5371/5371011002.json"]
    assert (written.villages, written.answers, written.without_village) == (2, 6, 1)
    assert written.by_answer == {"accepted": 2, "awaiting_verification": 1, "rejected": 3}


def test_the_json_follows_the_schema_with_a_header_and_the_answers_in_forum_order(answers_db, tmp_path: Path):
    folder = tmp_path / "feedback"
    feedback.write_feedback(answers_db, folder, "run-1", GENERATED_AT)
    document = json.loads((folder / "5301" / "5301012001.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(feedback.schema(), format_checker=jsonschema.FormatChecker()).validate(document)
    assert {k: document[k] for k in ("schema", "village_code", "regency_code", "run_id", "generated_at")} == {
        "schema": feedback.SCHEMA_ID, "village_code": "5301012001", "regency_code": "5301", "run_id": "run-1",
        "generated_at": "2025-07-01T08:30:00+00:00"}
    assert document["counts"] == {"proposals": 3, "accepted": 2, "rejected": 1, "awaiting_verification": 0}
    assert [a["proposal_id"] for a in document["answers"]] == ["USL-1", "USL-2", "USL-3"]
    assert document["answers"][2]["programmes"] == ["bpnt", "pbi_jk"]
    assert {a["answered_on"] for a in document["answers"]} == {"2025-07-01"}
    assert "personal remark" not in json.dumps(document) and "source_file" not in document["answers"][0]


def test_the_csv_has_the_schema_columns_and_the_same_answers(answers_db, tmp_path: Path):
    folder = tmp_path / "feedback"
    feedback.write_feedback(answers_db, folder, "run-1", GENERATED_AT)
    with (folder / "5371" / "5371011002.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == feedback.feedback_columns()
    assert [(r["proposal_id"], r["answer"], r["invalid_fields"]) for r in rows] == [
        ("USL-4", "awaiting_verification", ""), ("", "rejected", "tanggal_musdes")]


def test_the_schema_rejects_a_file_carrying_a_personal_field(answers_db, tmp_path: Path):
    folder = tmp_path / "feedback"
    feedback.write_feedback(answers_db, folder, "run-1", GENERATED_AT)
    document = json.loads((folder / "5301" / "5301012001.json").read_text(encoding="utf-8"))
    document["answers"][0]["nik"] = "5301011205800001"
    with pytest.raises(jsonschema.ValidationError, match="nik"):
        jsonschema.validate(document, feedback.schema())
