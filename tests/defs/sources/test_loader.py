"""The loader on hand-made files: exact lines and reasons in quarantine, conservation, and whole-file refusals."""

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.sources.catalog import load_catalog
from sepakat_dagster.defs.sources.loader import (
    SCIENTIFIC_NOTATION_REASON,
    LandedFile,
    UnusableFileError,
    find_landed_file,
    load_absent,
    load_source,
    recount_file,
    vintage_of,
)

DTKS_HEADER = "ID_ART;ID_DTKS;NIK;NAMA;JENIS_KELAMIN;TANGGAL_LAHIR;HUBUNGAN_KELUARGA;PBI_JK;KOMPONEN_PKH;DISABILITAS"


@pytest.fixture
def con(tmp_path: Path):
    with duckdb_limits.connect(tmp_path / "warehouse.duckdb") as connection:  # the pipeline's memory limit and spill
        yield connection


def land(tmp_path: Path, name: str, content: bytes | str) -> LandedFile:
    path = tmp_path / "landing" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return LandedFile(path=path, name=name, vintage=vintage_of(path.name))


def quarantine(con) -> list[tuple]:
    return con.execute("select line_no, field, reason from audit.quarantine order by line_no, field").fetchall()


def dtks_art(max_share: float = 1.0):
    return dataclasses.replace(load_catalog()["dtks_art"], max_quarantine_share=max_share)


def test_clean_file_loads_every_row_typed(tmp_path, con, seeds):
    body = (
        DTKS_HEADER + "\r\n"
        "537100000000001;5371000000001;5371034501800001;MARIA;PEREMPUAN;05-01-1980;ISTRI;YA;;TIDAK\r\n"
        '537100000000002;5371000000001;5371030101790001;"DA COSTA; YOHANES ""YO""";LAKI-LAKI;01-01-1979;'
        "KEPALA KELUARGA;YA;;TIDAK\r\n"
    )
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", body)
    result = load_source(con, dtks_art(), landed, seeds)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    rows = con.execute("select nama, tanggal_lahir, komponen_pkh, _source_line from raw.dtks_art order by 4").fetchall()
    assert rows == [
        ("MARIA", date(1980, 1, 5), None, 2),
        ('DA COSTA; YOHANES "YO"', date(1979, 1, 1), None, 3),
    ]


def test_each_broken_row_is_quarantined_with_its_line_field_and_reason(tmp_path, con, seeds):
    lines = [
        DTKS_HEADER,
        "537100000000001;5371000000001;5371034501800001;MARIA;PEREMPUAN;05-01-1980;ISTRI;YA;;TIDAK",
        "537100000000002;5371000000001;5.37103E+15;YOHANES;LAKI-LAKI;31-02-1979;KEPALA KELUARGA;YA;;TIDAK",
        "",
        "537100000000003;5371000000001;5371030101100001;ANA\xff;PEREMPUAN;01-01-2010;ANAK;YA;SMP;TIDAK",
        "537100000000004;5371000000001;5371030101100002;PAULUS;LAKI-LAKI;01-01-2012;ANAK;YA",
        "537100000000001;5371000000001;5371030101140003;PETRUS;LAKI-LAKI;01-01-2014;ANAK;YA;SD;TIDAK",
        '537100000000005;5371000000001;;"BAD"QUOTE;LAKI-LAKI;01-01-2014;ANAK;YA;SD;TIDAK',
        "537100000000006;5371000000001;;ROSA;PEREMPUAN;01-01-2026;ANAK;YA;SD;TIDAK",
        "537100000000007;5371000000001;5371030101140000;;LAKI-LAKI;01-01-2014;ANAK;YA;SD;TIDAK",
        "53710000000008;5371000000001;;MARKUS;LAKI-LAKI;01-01-2014;ANAK;YA;SD;TIDAK",
    ]
    body = "\n".join(lines).encode("latin-1")  # the \xff byte is invalid UTF-8
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", body)
    result = load_source(con, dtks_art(), landed, seeds)

    assert quarantine(con) == [
        (3, "nik", SCIENTIFIC_NOTATION_REASON),
        (3, "tanggal_lahir", "not a valid date in format %d-%m-%Y"),
        (5, None, "invalid encoding"),
        (6, None, "expected 10 fields, found 8"),
        (7, "id_art", "duplicate key, first seen at line 2"),
        (8, None, "malformed quoting"),
        (9, "tanggal_lahir", "after the file's vintage"),
        (10, "nama", "missing required value"),
        (10, "nik", "serial 0000 is never issued"),
        (11, "id_art", "does not match the id pattern"),
    ]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.blank_lines) == (9, 1, 8, 1)
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert recount_file(con, dtks_art(), landed) == result.rows_read
    raw_lines = dict(con.execute("select line_no, raw_line from audit.quarantine").fetchall())
    assert raw_lines[6] == lines[5]
    assert raw_lines[5].startswith("537100000000003;")


def test_every_field_quoted_export_reads_like_any_quoted_line(tmp_path, con, seeds):
    source = dataclasses.replace(load_catalog()["dapodik_peserta_didik"], max_quarantine_share=1.0)
    names = [c.name for c in source.columns]
    pupil = ["0125082166", "5371031012120001", "\u00a0DANIEL", " L", "2012-12-10", "50158477",
             "SD GMIT 6, NAINASNAS", "SD", "6", "", "537103", "20251"]

    def quoted(fields: list[str]) -> str:
        return ",".join(f'"{field}"' for field in fields)

    lines = [
        quoted(names),
        quoted(pupil),
        quoted(["0125082167", *pupil[1:6], 'SD ""MAJU""', *pupil[7:]]),
        "0125082168," + quoted(pupil[1:]),
        '"0125082169"x,' + quoted(pupil[1:]),
        quoted(["0125082170", *pupil[1:-1]]),
        quoted(pupil),
    ]
    landed = land(tmp_path, "dapodik/dapodik_peserta_didik_20250801.csv", "\n".join(lines) + "\n")
    result = load_source(con, source, landed, seeds)
    assert quarantine(con) == [
        (5, None, "malformed quoting"),
        (6, None, "expected 12 fields, found 11"),
        (7, "nisn", "duplicate key, first seen at line 2"),
    ]
    assert (result.rows_read, result.rows_loaded) == (6, 3)
    rows = con.execute(
        "select nisn, nama, jenis_kelamin, nama_sekolah, kebutuhan_khusus from raw.dapodik_peserta_didik order by 1"
    ).fetchall()
    assert rows == [
        ("0125082166", "DANIEL", "L", "SD GMIT 6, NAINASNAS", None),
        ("0125082167", "DANIEL", "L", 'SD "MAJU"', None),
        ("0125082168", "DANIEL", "L", "SD GMIT 6, NAINASNAS", None),
    ]


def test_reasons_and_messages_never_carry_personal_values(tmp_path, con, seeds):
    body = DTKS_HEADER + "\n537100000000002;5371000000001;5.37103E+15;YOHANES;LAKI-LAKI;31-02-1979;X;YA;;TIDAK\n"
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", body)
    result = load_source(con, dtks_art(), landed, seeds)
    with pytest.raises(UnusableFileError) as refused:
        load_source(con, dtks_art(max_share=0.5), landed, seeds)
    text = " ".join(result.quarantine_reasons) + str(refused.value)
    for value in ("5.37103E+15", "YOHANES", "31-02-1979"):
        assert value not in text


def test_reloading_the_same_file_replaces_rather_than_appends(tmp_path, con, seeds):
    body = DTKS_HEADER + "\n537100000000001;5371000000001;5371034501800001;MARIA;PEREMPUAN;05-01-1980;;;;\nx;y\n"
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", body)
    load_source(con, dtks_art(), landed, seeds)
    load_source(con, dtks_art(), landed, seeds)
    assert con.execute("select count(*) from raw.dtks_art").fetchone()[0] == 1
    assert con.execute("select count(*) from audit.quarantine").fetchone()[0] == 1
    assert con.execute("select count(*) from audit.source_loads").fetchone()[0] == 2


def test_region_codes_are_checked_in_the_declared_system_and_style(tmp_path, con, seeds):
    source = dataclasses.replace(load_catalog()["p3ke_keluarga"], max_quarantine_share=1.0)
    header = (
        "ID Keluarga P3KE|No KK|Provinsi|Kabupaten/Kota|Kecamatan|Desa/Kelurahan|Kode Desa|Alamat|"
        "Desil Kesejahteraan|Jenis Atap|Jenis Dinding|Jenis Lantai|Sumber Air Minum|Fasilitas BAB|"
        "Penerima BPNT|Penerima PKH"
    )
    rows = [
        "P3KE-53-00000001|5371031501220001|NTT|Kota Kupang|Oebobo|Oebobo|53.71.03.1001|Jl. A|Desil 1|||||||",
        "P3KE-53-00000002|5371031501220002|NTT|Kota Kupang|Oebobo|Oebobo|53.71.03.9999|Jl. B|Desil 2|||||||",
        "P3KE-53-00000003|5371031501220003|NTT|Kota Kupang|Oebobo|Oebobo|5371031001|Jl. C|Desil 2|||||||",
    ]
    landed = land(tmp_path, "p3ke/P3KE_KELUARGA_20220915.txt", "\n".join([header, *rows]) + "\n")
    load_source(con, source, landed, seeds)
    assert quarantine(con) == [
        (3, "kode_desa", "unknown kemendagri village code"),
        (4, "kode_desa", "not a dotted region code"),
    ]


def test_indonesian_numbers_and_any_level_region(tmp_path, con, seeds):
    source = load_catalog()["sipd_anggaran"]
    header = (
        "tahun;kode_pemda;nama_pemda;kode_urusan;kode_bidang_urusan;kode_program;kode_kegiatan;"
        "kode_sub_kegiatan;nama_sub_kegiatan;nama_skpd;pagu;realisasi;sumber_dana"
    )
    row = "2025;5371;Kota Kupang;1;1.02;1.02.02;1.02.02.2.02;1.02.02.2.02.0001;Ibu Hamil;Dinas Kesehatan;"
    body = "\n".join([header, row + "1.234.567.890,50;987.654,00;DAU", row.replace("5371;", "53;") + "12,5;;PAD"])
    load_source(con, source, land(tmp_path, "sipd/sipd_apbd_2025.csv", body + "\n"), seeds)
    assert con.execute("select kode_pemda, pagu, realisasi from raw.sipd_anggaran order by 1").fetchall() == [
        ("53", Decimal("12.50"), None),
        ("5371", Decimal("1234567890.50"), Decimal("987654.00")),
    ]


def test_json_lines_feed(tmp_path, con, seeds):
    source = dataclasses.replace(load_catalog()["musdes_usulan"], max_quarantine_share=1.0)
    lines = [
        '{"id_usulan": "U1", "nik": "5371034501800001", "jenis_usulan": "MENINGGAL", '
        '"tanggal_peristiwa": "2025-01-02", "tanggal_musdes": "2025-02-01", "kode_desa": "5371031001"}',
        '{"id_usulan": "U2", "jenis_usulan": "PINDAH", "tanggal_musdes": "2025-02-01", "kode_desa": "5371031001"',
        '["U3"]',
        '{"id_usulan": "U4", "jenis_usulan": "PINDAH", "tanggal_musdes": "2025-02-01", "kode_desa": "5371031001",'
        ' "kode_desa_tujuan": "5371039999"}',
    ]
    result = load_source(con, source, land(tmp_path, "musdes/usulan_musdes_20250630.jsonl", "\n".join(lines)), seeds)
    assert quarantine(con) == [
        (2, None, "not a JSON object"),
        (3, None, "not a JSON object"),
        (4, "kode_desa_tujuan", "unknown kemendagri village code"),
    ]
    assert (result.rows_read, result.rows_loaded) == (4, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (DTKS_HEADER + "\n", "no data rows"),
        (DTKS_HEADER.replace(";", ",") + "\n1,2,3\n", "missing required columns id_art, id_dtks"),
        (DTKS_HEADER + ";NIK\n", "columns named twice: nik"),
        (b"\xc3\x28binary\n1;2\n", "line 1 (header) is not valid utf-8 text"),
        (DTKS_HEADER + "\n1;2;3;4;5;6;7;8;9;10\n", "1 of 1 records (100%) failed validation"),
    ],
)
def test_unusable_files_fail_naming_the_file_and_the_problem(tmp_path, con, seeds, content, message):
    landed = land(tmp_path, "dtks/DTKS_ART_202506.csv", content)
    with pytest.raises(UnusableFileError) as refused:
        load_source(con, dtks_art(max_share=0.5), landed, seeds)
    assert str(refused.value).startswith("dtks/DTKS_ART_202506.csv: ")
    assert message in str(refused.value)


def test_a_refused_file_leaves_the_previous_load_in_place(tmp_path, con, seeds):
    good = DTKS_HEADER + "\n537100000000001;5371000000001;5371034501800001;MARIA;PEREMPUAN;05-01-1980;;;;\n"
    load_source(con, dtks_art(), land(tmp_path, "dtks/DTKS_ART_202506.csv", good), seeds)
    with pytest.raises(UnusableFileError):
        load_source(con, dtks_art(), land(tmp_path, "dtks/DTKS_ART_202507.csv", b""), seeds)
    assert con.execute("select count(*) from raw.dtks_art").fetchone()[0] == 1


def test_vintage_and_newest_delivery(tmp_path):
    assert vintage_of("DTKS_ART_202502.csv") == date(2025, 2, 28)
    assert vintage_of("regsosek_individu_20221130.csv") == date(2022, 11, 30)
    assert vintage_of("sipd_apbd_2025.csv") == date(2025, 12, 31)
    assert vintage_of("notes.csv") is None
    for name in ("DTKS_ART_202412.csv", "DTKS_ART_202506.csv", "DTKS_ART_202503.csv"):
        land(tmp_path, f"dtks/{name}", "x")
    landed = find_landed_file(load_catalog()["dtks_art"], tmp_path / "landing")
    assert landed.name == "dtks/DTKS_ART_202506.csv"
    with pytest.raises(UnusableFileError, match="no file matching 'p3ke/P3KE_INDIVIDU_"):
        find_landed_file(load_catalog()["p3ke_individu"], tmp_path / "landing")


def test_an_optional_source_may_hold_a_header_alone_or_be_absent(tmp_path, con, seeds):
    flags = load_catalog()["national_targeting_flags"]
    header = ",".join(column.name for column in flags.columns) + "\n"
    landed = land(tmp_path, "national/national_targeting_flags_20261201.csv", header)
    result = load_source(con, flags, landed, seeds)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (0, 0, 0)
    assert recount_file(con, flags, landed) == 0

    load_absent(con, flags)  # nothing delivered: an empty table typed as a load types it, no quarantine rows
    columns = con.execute("select column_name, data_type from information_schema.columns "
                          "where table_name = 'national_targeting_flags' order by ordinal_position").fetchall()
    assert columns[:3] == [("source_table", "VARCHAR"), ("record_id", "VARCHAR"), ("residence_province", "VARCHAR")]
    assert con.execute("select count(*) from raw.national_targeting_flags").fetchone()[0] == 0
    with pytest.raises(UnusableFileError, match="no file matching"):
        load_absent(con, dtks_art())  # every other source must be delivered


def test_a_flag_naming_an_unknown_province_is_quarantined_by_field(tmp_path, con, seeds):
    body = ("source_table,record_id,residence_province,targeting_role\n"
            "dtks_art,537100000000001,53,flag_listed_elsewhere\n"
            "dtks_art,537100000000002,99,flag_listed_elsewhere\n")
    landed = land(tmp_path, "national/national_targeting_flags_20261201.csv", body)
    result = load_source(con, load_catalog()["national_targeting_flags"], landed, seeds)
    assert (result.rows_read, result.rows_loaded) == (2, 1)
    assert quarantine(con) == [(3, "residence_province", "unknown kemendagri province code")]
