"""Files as offices really write them: real bytes in each encoding and layout a spreadsheet saves, loaded through the
loader into a DuckDB file that has the pipeline's memory limit and spill folder.

Each test writes the delivery's bytes itself (windows-1252, UTF-16 with a byte-order mark, UTF-8 with one, quoted
line breaks, control characters, numbers a spreadsheet turned into 5.3E+15), loads it, and checks what reached
raw.*, what went to audit.quarantine and why, and that records in = records loaded + records quarantined.
"""

import codecs
import dataclasses
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.sources import file_bytes
from sepakat_dagster.defs.sources.assets import build_conservation_check, build_source_asset
from sepakat_dagster.defs.sources.catalog import FileFormat, load_catalog
from sepakat_dagster.defs.sources.file_bytes import detect_decoding
from sepakat_dagster.defs.sources.loader import (
    SCIENTIFIC_NOTATION_REASON,
    LandedFile,
    load_source,
    recount_file,
    vintage_of,
)
from sepakat_dagster.defs.sources.records import MAX_RECORD_LINES
from tests.conftest import pipeline_resources
from tests.defs.sources.test_loader import DTKS_HEADER

RUTA_HEADER = (
    "ID_DTKS;NO_KK;KODE_DESA;ALAMAT;DESIL;PKH;BPNT;ATAP;DINDING;LANTAI;LUAS_LANTAI;SUMBER_AIR;JAMBAN;PENERANGAN;"
    "TGL_UPDATE"
)
HEALTH_HEADER = "\t".join(
    ["id_layanan", "nik", "nama_pasien", "tgl_lahir", "jk", "kode_desa", "kode_puskesmas", "jenis_layanan",
     "tgl_layanan", "sesuai_standar"]
)


@pytest.fixture
def spill(tmp_path: Path) -> Path:
    return tmp_path / "spill"


@pytest.fixture
def con(tmp_path: Path, spill: Path, monkeypatch):
    """A warehouse file opened like the pipeline opens it: memory limit and spill folder from duckdb_limits."""
    monkeypatch.setenv(duckdb_limits.TEMP_DIR_ENV, str(spill))
    monkeypatch.setenv(duckdb_limits.MEMORY_LIMIT_ENV, "1GB")
    with duckdb_limits.connect(tmp_path / "warehouse.duckdb") as connection:
        assert connection.execute("select current_setting('temp_directory')").fetchone()[0] == str(spill)
        yield connection


def land(tmp_path: Path, name: str, content: bytes) -> LandedFile:
    path = tmp_path / "landing" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return LandedFile(path=path, name=name, vintage=vintage_of(path.name))


def source(name: str, **file_format) -> object:
    catalogued = load_catalog()[name]
    return dataclasses.replace(
        catalogued, max_quarantine_share=1.0, format=dataclasses.replace(catalogued.format, **file_format)
    )


def quarantine(con, source: str | None = None) -> list[tuple]:
    return con.execute(
        "select record_no, line_no, field, reason from audit.quarantine where source = coalesce(?, source)"
        " order by line_no, field",
        [source],
    ).fetchall()


def assert_conserved(con, result, src, landed) -> None:
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert recount_file(con, src, landed) == result.rows_read
    loaded = con.execute(f"select count(*) from raw.{src.name}").fetchone()[0]
    quarantined = con.execute("select count(distinct line_no) from audit.quarantine where source = ?",
                              [src.name]).fetchone()[0]
    assert (loaded, quarantined) == (result.rows_loaded, result.rows_quarantined)


def art(id_suffix: int, nik: str, nama: str, born: str = "01-01-1980") -> str:
    return f"5371000000000{id_suffix:02d};5371000000001;{nik};{nama};PEREMPUAN;{born};ISTRI;YA;;TIDAK"


def test_windows_1252_names_load_with_their_accents(tmp_path, con, seeds, spill):
    src = source("dtks_art", encoding="windows-1252")
    rows = [
        DTKS_HEADER,
        art(1, "5371034501800001", "ANAÉ"),
        art(2, "5371034501800002", "Anaé Ségu"),
        art(3, "5371034501800003", "D\u2019COSTA \u201cYO\u201d"),  # 0x92 0x93 0x94: not what iso-8859-1 would read
    ]
    body = "\r\n".join(rows).encode("cp1252") + b"\r\n"
    body += art(4, "5371034501800004", "PAUL").encode("cp1252").replace(b"PAUL", b"PA\x81L") + b"\r\n"  # undefined
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", body)
    result = load_source(con, src, landed, seeds)

    assert result.encoding == "windows-1252"
    names = [row[0] for row in con.execute("select nama from raw.dtks_art order by _source_line").fetchall()]
    assert names == ["ANAÉ", "Anaé Ségu", "D\u2019COSTA \u201cYO\u201d"]
    assert quarantine(con) == [(4, 5, None, "invalid encoding")]
    assert_conserved(con, result, src, landed)
    assert list(spill.glob("sepakat_transcode_*")) == []  # the UTF-8 copy is gone

    # Declared iso-8859-1, 0x92-0x94 would be C1 control characters, not quotes: that record is quarantined.
    result = load_source(con, source("dtks_art", encoding="iso-8859-1"), landed, seeds)
    assert result.encoding == "iso-8859-1"
    assert quarantine(con) == [(3, 4, "nama", "control character U+0092"), (4, 5, "nama", "control character U+0081")]

    # The same bytes declared as UTF-8 lose the accented rows: the declaration is what makes them load.
    result = load_source(con, source("dtks_art"), landed, seeds)
    assert (result.rows_loaded, result.rows_quarantined) == (0, 4)
    assert set(result.quarantine_reasons) == {"invalid encoding"}


@pytest.mark.parametrize(
    ("codec", "bom", "declared", "label"),
    [
        ("utf-16-le", b"\xff\xfe", "utf-8", "utf-16le (UTF-16 LE byte-order mark; declared utf-8)"),  # Unicode Text
        ("utf-16-be", b"\xfe\xff", "utf-8", "utf-16be (UTF-16 BE byte-order mark; declared utf-8)"),
        ("utf-16-le", b"", "utf-16", "utf-16le"),  # no mark: Windows' little-endian
        ("utf-16-le", b"\xff\xfe", "utf-16", "utf-16le (UTF-16 LE byte-order mark)"),
    ],
)
def test_excel_unicode_text_utf16_tab_separated(tmp_path, con, seeds, spill, codec, bom, declared, label):
    src = source("kesehatan_layanan", encoding=declared)
    rows = [
        HEALTH_HEADER,
        "L1\t5371034501800001\tAnaé Ségu\t05/01/1980\tP\t5371031001\tPKM1\tANC\t2025-06-01 08:00:00\tYA",
        "L2\t5.3E+15\tYOHANES\t01/01/1979\tL\t5371031001\tPKM1\tUMUM\t2025-06-02 09:30:00\tYA",
        "L3\t\tMARIA\t01/01/2010\tP\t5371031001\tPKM1\tIMUNISASI\t2025-06-03 10:00:00\tYA",
    ]
    landed = land(tmp_path, "kesehatan/layanan_kesehatan_202506.tsv", bom + "\r\n".join(rows).encode(codec))
    result = load_source(con, src, landed, seeds)

    assert result.encoding == label
    assert detect_decoding(landed.path, declared).label == label
    assert con.execute("select id_layanan, nama_pasien from raw.kesehatan_layanan order by 1").fetchall() == [
        ("L1", "Anaé Ségu"), ("L3", "MARIA")
    ]
    assert quarantine(con) == [(2, 3, "nik", SCIENTIFIC_NOTATION_REASON)]
    assert con.execute("select encoding from audit.source_loads").fetchone()[0] == label
    assert_conserved(con, result, src, landed)
    assert list(spill.glob("sepakat_transcode_*")) == []


def test_a_nul_in_a_utf16_file_is_found_in_its_utf8_copy(tmp_path, con, seeds):
    src = source("kesehatan_layanan", encoding="utf-16")
    rows = [
        HEALTH_HEADER,
        "L1\t5371034501800001\tAna\x00\t05/01/1980\tP\t5371031001\tPKM1\tANC\t2025-06-01 08:00:00\tYA",
        "L2\t5371034501800002\tAnaé\t05/01/1980\tP\t5371031001\tPKM1\tANC\t2025-06-01 08:00:00\tYA",
    ]
    landed = land(tmp_path, "kesehatan/layanan_kesehatan_202506.tsv", "\r\n".join(rows).encode("utf-16-le"))
    result = load_source(con, src, landed, seeds)
    assert quarantine(con) == [(1, 2, "nama_pasien", "control character U+0000 (NUL)")]
    assert result.rows_loaded == 1
    assert_conserved(con, result, src, landed)


def test_utf8_byte_order_mark_wins_over_a_declared_windows_1252(tmp_path, con, seeds):
    src = source("dtks_art", encoding="windows-1252")
    body = "\ufeff" + "\n".join([DTKS_HEADER, art(1, "5371034501800001", "Anaé Ségu")]) + "\n"
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", body.encode("utf-8"))
    result = load_source(con, src, landed, seeds)
    assert result.encoding == "utf-8 (UTF-8 byte-order mark; declared windows-1252)"
    # The header's first column is id_art, not '\ufeffid_art' (or 'ï»¿id_art' read as windows-1252).
    assert con.execute("select id_art, nama from raw.dtks_art").fetchall() == [("537100000000001", "Anaé Ségu")]
    assert_conserved(con, result, src, landed)


def ruta(id_suffix: int, address: str, updated: str = "01-06-2025") -> str:
    return f"53710000000{id_suffix:02d};5371031501220001;5371031001;{address};1;YA;YA;;;;12,5;;;;{updated}"


def test_quoted_line_breaks_make_one_record_numbered_by_its_first_line(tmp_path, con, seeds):
    src = source("dtks_ruta")
    lines = [
        RUTA_HEADER,
        ruta(1, '"Jl. Mawar 3\r\nRT 002/RW 001\r\n\r\nKel. Oebobo"'),  # lines 2-5: one record, a blank line inside
        ruta(2, '"Jl. ""Melati"" 7; belakang pasar"'),  # line 6
        "",  # line 7: blank, not a record
        ruta(3, '"Gang Kenari\nNo. 4"', updated="31-02-2025"),  # lines 8-9: one record, quarantined
        ruta(4, "Jl. Flamboyan 1"),  # line 10
        ruta(5, '"Jl. Anggrek 2'),  # line 11: a quote never closed
        ruta(6, "Jl. Dahlia 9"),  # line 12
    ]
    landed = land(tmp_path, "dtks/DTKS_RUTA_202506.csv", "\r\n".join(lines).encode() + b"\r\n")
    result = load_source(con, src, landed, seeds)

    loaded = con.execute("select id_dtks, alamat, _source_line from raw.dtks_ruta order by 3").fetchall()
    assert loaded == [
        ("5371000000001", "Jl. Mawar 3\nRT 002/RW 001\n\nKel. Oebobo", 2),
        ("5371000000002", 'Jl. "Melati" 7; belakang pasar', 6),
        ("5371000000004", "Jl. Flamboyan 1", 10),
        ("5371000000006", "Jl. Dahlia 9", 12),
    ]
    # Record numbers count records, not lines: the blank line and the continuation lines are no records.
    assert quarantine(con) == [
        (3, 8, "tgl_update", "not a valid date in format %d-%m-%Y"),
        (5, 11, None, f"quoted field not closed within {MAX_RECORD_LINES} lines"),
    ]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.blank_lines) == (6, 4, 2, 1)
    assert result.multi_line_records == 2
    raw = con.execute("select raw_line from audit.quarantine where line_no = 8").fetchone()[0]
    assert raw == ruta(3, '"Gang Kenari\nNo. 4"', updated="31-02-2025")
    assert_conserved(con, result, src, landed)


def test_a_stray_quote_costs_its_own_line_only(tmp_path, con, seeds):
    src = source("dtks_ruta")
    rows = [ruta(i, f"Jl. {i}") for i in range(1, 6)]
    rows[1] = ruta(2, 'Jl. "Mawar 2')  # an odd quote inside an unquoted value: not a quoted field
    rows[3] = ruta(4, '"Jl. Mawar" 4"')
    landed = land(tmp_path, "dtks/DTKS_RUTA_202506.csv", "\n".join([RUTA_HEADER, *rows]).encode())
    result = load_source(con, src, landed, seeds)
    assert [row[1:] for row in quarantine(con)] == [(3, None, "malformed quoting"), (5, None, "malformed quoting")]
    assert result.rows_loaded == 3
    assert_conserved(con, result, src, landed)


def test_control_characters_are_quarantined_without_their_values(tmp_path, con, seeds):
    src = source("dtks_art")
    lines = [
        DTKS_HEADER,
        art(1, "5371034501800001", "MARIA\x00"),  # a stray NUL
        art(2, "5371034501800002", "YO\x7fHANES"),  # DEL
        art(3, "5371034501800003", "ANA\tMARIA"),  # a tab inside a value is text
        art(4, "5371034501800004", "PAULUS\x1f\x1e\x1d\x1cX"),  # the line reader's own delimiter: read whole
        art(5, "5371034501800005", "ROSA") + "\x1b",  # ESC in the last field
        art(6, "5371034501800006", "PETRUS"),
    ]
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", "\n".join(lines).encode())
    result = load_source(con, src, landed, seeds)
    assert quarantine(con) == [
        (1, 2, "nama", "control character U+0000 (NUL)"),
        (2, 3, "nama", "control character U+007F (DEL)"),
        (4, 5, "nama", "control character U+001F"),
        (5, 6, "disabilitas", "control character U+001B"),
    ]
    assert con.execute("select nama from raw.dtks_art order by 1").fetchall() == [("ANA\tMARIA",), ("PETRUS",)]
    nothing = "select count(*) from raw.dtks_art where regexp_matches(nama, '[\\x00\\x7f]')"
    assert con.execute(nothing).fetchone()[0] == 0
    # The reasons name the character, never the value; the record is kept whole only in audit.quarantine.
    assert not any(name in reason for reason in result.quarantine_reasons for name in ("MARIA", "YOHANES", "ROSA"))
    assert con.execute("select raw_line from audit.quarantine where line_no = 2").fetchone()[0] == lines[1]
    assert con.execute("select raw_line from audit.quarantine where line_no = 6").fetchone()[0] == lines[5]
    assert_conserved(con, result, src, landed)


def test_control_character_escaped_in_json_lines(tmp_path, con, seeds):
    src = source("musdes_usulan")
    row = ('{{"id_usulan": "{}", "jenis_usulan": "PINDAH", "tanggal_musdes": "2025-02-01", "kode_desa": "5371031001",'
           ' "keterangan": "{}"}}')
    lines = [row.format("U1", "pindah ke Kupang\\nRT 3"), row.format("U2", "salah\\u0000ketik"),
             row.format("U3", "Caf\\u00e9")]
    landed = land(tmp_path, "musdes/usulan_musdes_20250630.jsonl", "\n".join(lines).encode())
    result = load_source(con, src, landed, seeds)
    assert quarantine(con) == [(2, 2, "keterangan", "control character U+0000 (NUL)")]
    assert con.execute("select keterangan from raw.musdes_usulan order by 1").fetchall() == [
        ("Café",), ("pindah ke Kupang\nRT 3",)
    ]
    assert_conserved(con, result, src, landed)


@pytest.mark.parametrize("number", ["5.3E+15", "5,3E+15", "5.30101E+15", "5.37103E+15", "5,37103E15"])
def test_a_nik_or_kk_in_scientific_notation_says_a_spreadsheet_lost_its_digits(tmp_path, con, seeds, number):
    lines = [DTKS_HEADER, art(1, number, "MARIA"), art(2, "53710345018", "ANA"), art(3, "5371034501800003", "ROSA")]
    src = source("dtks_art")
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", "\n".join(lines).encode())
    result = load_source(con, src, landed, seeds)
    assert quarantine(con) == [(1, 2, "nik", SCIENTIFIC_NOTATION_REASON), (2, 3, "nik", "not 16 digits")]
    assert number not in " ".join(result.quarantine_reasons)
    assert_conserved(con, result, src, landed)

    ruta_src = source("dtks_ruta")
    row = ruta(1, "Jl. 1").replace("5371031501220001", number)
    load_source(con, ruta_src, land(tmp_path, "dtks/DTKS_RUTA_202506.csv", f"{RUTA_HEADER}\n{row}\n".encode()), seeds)
    assert quarantine(con, "dtks_ruta") == [(1, 2, "no_kk", SCIENTIFIC_NOTATION_REASON)]


def test_the_catalogue_refuses_an_encoding_it_cannot_read():
    assert FileFormat(type="csv", encoding="Windows-1252").encoding == "Windows-1252"
    with pytest.raises(ValueError, match="unsupported encoding 'ebcdic'"):
        FileFormat(type="csv", encoding="ebcdic")


def test_the_conservation_check_counts_records_not_lines(tmp_path):
    """The Dagster asset and its blocking check on a UTF-16 file with quoted line breaks (real seeds)."""
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    rows = [RUTA_HEADER, *(ruta(i, f'"Jl. {i}\r\nRT 00{i}"') for i in range(1, 4))]
    rows = [row.replace(";", "\t") for row in rows]
    (landing / "dtks").mkdir(parents=True)
    (landing / "dtks" / "DTKS_RUTA_202506.csv").write_bytes(b"\xff\xfe" + "\r\n".join(rows).encode("utf-16-le"))
    src = source("dtks_ruta", delimiter="\t")
    src = dataclasses.replace(src, max_quarantine_share=0.5)
    asset, check = build_source_asset(src), build_conservation_check(src)
    result = dg.materialize([asset, check], resources=pipeline_resources(warehouse, landing), partition_key="53")
    assert result.success
    metadata = result.asset_materializations_for_node("raw__dtks_ruta")[0].metadata
    assert metadata["rows_read"].value == metadata["dagster/row_count"].value == 3
    assert metadata["multi_line_records"].value == 3
    assert metadata["encoding"].value == "utf-16le (UTF-16 LE byte-order mark; declared utf-8)"
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed
    assert evaluation.metadata["records_read"].value == 3
    assert date(2025, 6, 30) == vintage_of("DTKS_RUTA_202506.csv")


def test_a_carriage_return_alone_is_a_line_break_not_lost_text(tmp_path, con, seeds):
    """DuckDB's reader drops the text after a CR alone in a CRLF file: such a file is read from a normalised copy."""
    src = source("dtks_ruta")
    rows = [RUTA_HEADER, ruta(1, '"Jl. Mawar 3\rRT 002"'), ruta(2, "Jl. Melati 7"), ruta(3, "Jl. Kenari 4")]
    landed = land(tmp_path, "dtks/DTKS_RUTA_202506.csv", "\r\n".join(rows).encode() + b"\r\n")
    result = load_source(con, src, landed, seeds)
    assert result.encoding == "utf-8"
    assert con.execute("select alamat, _source_line from raw.dtks_ruta order by 2").fetchall() == [
        ("Jl. Mawar 3\nRT 002", 2), ("Jl. Melati 7", 4), ("Jl. Kenari 4", 5)
    ]
    assert_conserved(con, result, src, landed)


@pytest.mark.parametrize("block", [1, 2, 3, 5, 8])
def test_transcoding_is_exact_across_block_boundaries(tmp_path, monkeypatch, block):
    monkeypatch.setattr(file_bytes, "_TRANSCODE_BLOCK", block)
    text = "a;Anaé\r\nb;\"Ségu\rx\"\r\nc;€\x1f\x1e\x1d\x1cz\r\x1f\nd;\U0001d538\r\n"  # and a 4-byte character
    encodings = [("utf-16-le", codecs.BOM_UTF16_LE, "utf-8"), ("utf-16-be", codecs.BOM_UTF16_BE, "utf-8"),
                 ("cp1252", b"", "windows-1252"), ("utf-8", codecs.BOM_UTF8, "utf-8")]
    for codec, bom, declared in encodings:
        text_in = text.replace("\U0001d538", "A") if codec == "cp1252" else text
        path, copy = tmp_path / f"{codec}.csv", tmp_path / f"{codec}.utf8"
        path.write_bytes(bom + text_in.encode(codec))
        file_bytes.transcode_to_utf8(path, copy, detect_decoding(path, declared))
        expected = text_in.replace("\r\n", "\n").replace("\r", "\n").replace("\x1c", "\x1a")
        assert copy.read_bytes() == expected.encode("utf-8"), codec
    path.write_bytes(b"ok\r\nbad \x81 byte\r\n")  # 0x81 is no windows-1252 character: invalid UTF-8 in the copy
    file_bytes.transcode_to_utf8(path, copy, detect_decoding(path, "windows-1252"))
    assert copy.read_bytes() == b"ok\nbad \xff byte\n"


def test_a_copy_left_by_a_killed_load_is_removed(tmp_path, con, seeds, spill):
    spill.mkdir(exist_ok=True)
    abandoned = spill / "sepakat_transcode_999999999_x.txt"  # no such process
    abandoned.write_text("a copy of a delivery")
    src = source("dtks_art", encoding="windows-1252")
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", f"{DTKS_HEADER}\n{art(1, '5371034501800001', 'ANAÉ')}\n"
                  .encode("cp1252"))
    assert load_source(con, src, landed, seeds).rows_loaded == 1
    assert list(spill.glob("sepakat_transcode_*")) == []
