"""Answers to village proposals on the session's province, through the whole graph: every delivered record answered
once (counted from the landing file itself), the answers against the generator's ground truth, the feedback files
for SID (schema, counts, no personal value, published only with the warehouse), a quarantined record answered
"unreadable", and the data-update scorecard computed with the seed's weights."""

from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import jsonschema
import pytest

from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import find_landed_file, load_source
from sepakat_dagster.defs.villages import feedback
from sepakat_dagster.defs.villages.assets import FEEDBACK_FOLDER, FEEDBACK_KEY
from sepakat_dagster.paths import DBT_PROJECT_DIR
from tests.dbt.conftest import run_dbt
from tests.defs.marts.helpers import PSEUDONYM_KEY, Pipeline, environment, materialise
from tests.defs.publish.helpers import publishing

ANSWERS = feedback.ANSWERS_TABLE
MUSDES = load_catalog()["musdes_usulan"]


def _landing(pipeline: Pipeline) -> Path:
    return pipeline.truth.parent / "landing"


def _landed_records(pipeline: Pipeline) -> list[str]:
    """The Musdes delivery's records as delivered: one JSON object per non-blank line."""
    landed = find_landed_file(MUSDES, _landing(pipeline))
    return [line for line in landed.path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _feedback_files(folder: Path) -> tuple[list[Path], list[Path]]:
    return sorted(folder.glob("*/*.json")), sorted(folder.glob("*/*.csv"))


def test_every_delivered_record_gets_exactly_one_answer(pipeline: Pipeline):
    records = _landed_records(pipeline)
    assert pipeline.scalar(f"select count(*) from {ANSWERS}") == len(records) > 0
    staged = pipeline.scalar("select count(*) from staging.stg_musdes__corrections")
    quarantined = pipeline.scalar(
        "select count(distinct line_no) from audit.quarantine where source = 'musdes_usulan'")
    assert pipeline.scalar(f"select count(*) from {ANSWERS} where not quarantined") == staged
    assert pipeline.scalar(f"select count(*) from {ANSWERS} where quarantined") == quarantined
    delivered_ids = {json.loads(line)["id_usulan"] for line in records}
    answered_ids = {row[0] for row in pipeline.query(f"select proposal_id from {ANSWERS} where not quarantined")}
    assert answered_ids <= delivered_ids
    # Every answer comes from a rule of the seed and carries texts in both languages.
    assert not pipeline.query(f"select answer_key from {ANSWERS} where answer is null or reason_id is null "
                              "or reason_en is null or outcome_id is null or outcome_en is null")
    assert {row[0] for row in pipeline.query(f"select distinct answer from {ANSWERS}")} <= {
        "accepted", "rejected", "awaiting_verification"}


def test_the_answers_agree_with_the_generator_ground_truth(pipeline: Pipeline):
    truth = pipeline.truth / "record_map.parquet"
    rows = pipeline.query(f"""
        select t.nik_missing, t.nik_digit_error, t.broken_excel_number or t.broken_date or t.broken_region,
               a.quarantined, a.answer, a.reason_code
        from read_parquet('{truth}') as t
        left join (select * from {ANSWERS} where proposal_id is not null) as a on a.proposal_id = t.record_id
        where t.source = 'musdes_usulan'
    """)
    assert rows and all(row[4] is not None for row in rows)  # every proposal of the truth is answered
    # A proposal delivered without a NIK, and only such a proposal, is rejected for it.
    assert all((row[5] == "no_nik") == bool(row[0]) for row in rows if not row[3])
    # A mistyped NIK finds no record: rejected, never applied to someone else's record.
    mistyped = [row for row in rows if row[1] and not row[3]]
    assert {row[5] for row in mistyped} <= {"nik_not_found"}
    # A record the generator broke is the one the loader quarantined, answered "unreadable".
    assert all((row[3] is True) == bool(row[2]) for row in rows)
    assert all(row[5] == "unreadable_record" for row in rows if row[3])


def test_entries_and_exits_follow_the_reference_ranking(pipeline: Pipeline):
    """An entry is accepted only for a household the reference ranking puts within a programme's band, and named
    with the programmes whose targeting list now holds it; an exit only for one above every band."""
    rows = pipeline.query(f"select correction_type, ranking_position, answer, programmes from {ANSWERS} "
                          "where correction_type in ('entry_proposed', 'exit_better_off') and answer = 'accepted'")
    entries = [row for row in rows if row[0] == "entry_proposed"]
    assert entries and {row[1] for row in entries} == {"within_band"} and all(row[3] for row in entries)
    programs = {row[0] for row in pipeline.query("select program from reference.program_delivery")}
    assert {p for row in entries for p in row[3].split(",")} <= programs
    assert {row[1] for row in rows if row[0] == "exit_better_off"} <= {"above_band"}


def test_the_feedback_files_follow_the_schema_and_add_up(pipeline: Pipeline):
    folder = pipeline.exports / FEEDBACK_FOLDER
    documents, tables = _feedback_files(folder)
    assert documents and [p.with_suffix("") for p in documents] == [p.with_suffix("") for p in tables]
    validator = jsonschema.Draft202012Validator(feedback.schema(), format_checker=jsonschema.FormatChecker())
    answers = 0
    shown = {row[0]: row[1:] for row in pipeline.query(
        "select village_code, proposals_received, accepted, rejected, awaiting_verification "
        "from marts.village_proposal_counts where not suppressed")}
    for document_path, table_path in zip(documents, tables, strict=True):
        document = json.loads(document_path.read_text(encoding="utf-8"))
        validator.validate(document)
        assert (document["regency_code"], document["village_code"]) == (document_path.parent.name,
                                                                          document_path.stem)
        counts = document["counts"]
        assert counts["proposals"] == len(document["answers"]) == sum(
            counts[a] for a in ("accepted", "rejected", "awaiting_verification"))
        with table_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames) == feedback.feedback_columns()
            ids = [row["proposal_id"] for row in reader]
        assert ids == [a["proposal_id"] or "" for a in document["answers"]]  # the same answers, in the same order
        if document["village_code"] in shown:  # the published counts are the files' counts
            assert shown[document["village_code"]] == tuple(
                counts[k] for k in ("proposals", "accepted", "rejected", "awaiting_verification"))
        answers += counts["proposals"]
    assert answers == pipeline.scalar(f"select count(*) from {ANSWERS} where village_code is not null")
    (event,) = [e for e in pipeline.result.get_asset_materialization_events() if e.asset_key == FEEDBACK_KEY]
    assert event.materialization.metadata["villages"].value == len(documents)


def test_the_feedback_files_hold_no_nik_name_or_remark(pipeline: Pipeline):
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((pipeline.exports / FEEDBACK_FOLDER).rglob("*.*")))
    assert text and not re.search(r"\d{16}", text)  # no NIK, nor anything shaped like one
    delivered = [json.loads(line) for line in _landed_records(pipeline)]
    niks = {r["nik"] for r in delivered if r.get("nik")}
    remarks = {r["keterangan"] for r in delivered if r.get("keterangan")}
    names = {row[0] for row in pipeline.query(
        "select distinct full_name from intermediate.int_marts_persons where length(full_name) > 8")}
    assert niks and remarks and names
    assert not [value for value in niks | remarks | names if value in text]


def test_the_feedback_files_are_published_only_with_the_warehouse(pipeline: Pipeline, tmp_path: Path):
    copy = pipeline.copy_warehouse(tmp_path / "wh")
    exports = tmp_path / "exports"
    trial = materialise(copy, _landing(pipeline), pipeline.truth, exports, selection=[FEEDBACK_KEY])
    assert trial.success and not (exports / FEEDBACK_FOLDER).exists()  # staged, then discarded with the candidate
    published = materialise(copy, _landing(pipeline), pipeline.truth, exports, selection=publishing([FEEDBACK_KEY]))
    assert published.success
    assert [p.relative_to(exports) for p in _feedback_files(exports / FEEDBACK_FOLDER)[0]] == [
        p.relative_to(pipeline.exports) for p in _feedback_files(pipeline.exports / FEEDBACK_FOLDER)[0]]


def test_a_record_the_loader_quarantines_is_answered_unreadable_naming_the_field(pipeline: Pipeline, tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(_landing(pipeline) / "musdes", landing / "musdes")
    landed = find_landed_file(MUSDES, landing)
    broken = {"id_usulan": "USL-TEST-BROKEN", "nik": "5301011205800001", "jenis_usulan": "MENINGGAL",
              "tanggal_peristiwa": None, "tanggal_musdes": "2025-02-31", "kode_desa": json.loads(
                  _landed_records(pipeline)[0])["kode_desa"], "kode_desa_tujuan": None, "sumber": "SID",
              "keterangan": "Laporan kepala dusun"}
    with landed.path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(broken) + "\n")
    copy = pipeline.copy_warehouse(tmp_path / "wh")
    with duckdb.connect(str(copy)) as con:
        load_source(con, MUSDES, landed)
    with environment(SEPAKAT_PSEUDONYM_KEY=PSEUDONYM_KEY):
        run = run_dbt(["build", "--select", "stg_musdes__corrections", "int_registry_corrections",
                       "int_marts_village_proposal_answers+"], copy, tmp_path / "target")
    assert run.returncode == 0, run.output[-3000:]
    with duckdb.connect(str(copy), read_only=True) as con:
        answer = con.execute(f"select quarantined, answer, reason_code, invalid_fields, village_code from {ANSWERS} "
                             "where proposal_id = 'USL-TEST-BROKEN'").fetchall()
        assert answer == [(True, "rejected", "unreadable_record", "tanggal_musdes", broken["kode_desa"])]
        folder = tmp_path / "feedback"
        feedback.write_feedback(con, folder, "test-run", datetime.now(UTC))
    village = folder / broken["kode_desa"][:4] / f"{broken['kode_desa']}.json"
    document = json.loads(village.read_text(encoding="utf-8"))
    (mine,) = [a for a in document["answers"] if a["proposal_id"] == "USL-TEST-BROKEN"]
    assert (mine["answer"], mine["invalid_fields"]) == ("rejected", "tanggal_musdes")
    assert broken["nik"] not in village.read_text(encoding="utf-8")


def _weights() -> dict[str, tuple[float, int | None]]:
    path = DBT_PROJECT_DIR / "seeds" / "villages" / "data_update_score_weights.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["component"]: (float(row["weight"]), int(row["scale_days"]) if row["scale_days"] else None)
                for row in csv.DictReader(handle)}


def test_the_scorecard_scores_with_the_seed_weights_and_ranks_within_the_region(pipeline: Pipeline):
    weights = _weights()
    rows = pipeline.query("""
        select region_level, region_code, regency_code, province_code, days_since_latest_proposal,
               proposals_received, proposals_answered, records_quarantined, recency_credit, score, rank
        from intermediate.int_marts_village_data_updates
    """)
    villages = [row for row in rows if row[0] == "village"]
    assert villages and [row for row in villages if row[5] > 0]
    scale = weights["recency"][1]
    for level, _, _, _, days, received, answered, quarantined, recency, score, _ in rows:
        if level == "village":
            assert recency == pytest.approx(0.0 if days is None else max(0.0, 1 - days / scale))
        credits = {"recency": recency, "answered": answered / received if received else 0.0,
                   "clean_delivery": 1 - quarantined / received if received else 0.0}
        expected = 100 * sum(w * credits[c] for c, (w, _) in weights.items()) / sum(w for w, _ in weights.values())
        assert score == pytest.approx(expected, abs=0.051)
    for level, group in (("village", 2), ("regency", 3)):
        regions: dict[str, list[tuple[float, int]]] = {}
        for row in rows:
            if row[0] == level:
                regions.setdefault(row[group], []).append((row[9], row[10]))
        for members in regions.values():
            ordered = sorted(members, key=lambda m: -m[0])
            assert ordered[0][1] == 1
            assert all(a[1] <= b[1] for a, b in itertools.pairwise(ordered))
    published = pipeline.query("select regency_code, rank from marts.regency_data_update_scorecard")
    assert {code for code, _ in published} == {row[1] for row in rows if row[0] == "regency"}
