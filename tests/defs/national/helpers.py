"""Small published province warehouses for the national pass: real DuckDB files with the columns the pass reads
(int_persons, person_clusters and the four marts it rolls up), a few dozen background persons per province and
the planted cases, and each province's ground truth (record_map.parquet with national_person_id).

Planted (every NIK below is structurally valid unless said otherwise):
- MOVER_NIK: a mover from 53 to 75, the same NIK and identity in both (Regsosek in 75, a stale DTKS record in 53);
- CORRUPT_MOVER: a mover from 75 to 31, valid NIK in 31 (Regsosek), a stale DTKS record in 75 whose NIK has a
  digit error that makes it invalid: found by name and birth date only;
- SERIAL_MOVER: a mover from 53 to 31 whose stale DTKS record in 53 has a serial digit error: still a valid NIK
  that agrees with the record, found because the migrant's NIK in 31 is held nowhere else (an unplaced migrant);
- SHARED_NIK: one NIK held by two different people, in 53 and in 31 (different name, birth date and sex);
- NAMESAKES: the same name and birth date in 53 and 31, two different humans with their own NIKs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sepakat_dagster.defs.national.inputs import ProvinceWarehouses
from sepakat_dagster.defs.national.settings import rollups

PROVINCES = ("31", "53", "75")
REGENCIES = {"31": ("3171", "3172"), "53": ("5301", "5371"), "75": ("7501", "7571")}
BACKGROUND_PERSONS = 40

MOVER_NIK = "5301041705800003"
MOVER = ("YOHANES TEFA", dt.date(1980, 5, 17), "M")
CORRUPT_MOVER_NIK = "7501024908920007"  # woman born 9 August 1992: day + 40
CORRUPT_MOVER_STALE_NIK = "750102490892000"  # a digit dropped: 15 digits, not a valid NIK
CORRUPT_MOVER = ("SITI RAHMAWATI", dt.date(1992, 8, 9), "F")
SERIAL_MOVER_NIK = "5371025506880004"  # woman born 15 June 1988
SERIAL_MOVER_STALE_NIK = "5371025506880005"
SERIAL_MOVER = ("MAGDALENA NDUN", dt.date(1988, 6, 15), "F")
SHARED_NIK = "5371020201900011"
SHARED_HOLDERS = {"53": ("MARIA BRIA", dt.date(1990, 1, 2), "M"), "31": ("AHMAD FAUZI", dt.date(1975, 7, 30), "M")}
NAMESAKES = {"53": "5301034303850021", "31": "3171034303850005"}
NAMESAKE = ("SITI AMINAH", dt.date(1985, 3, 3), "F")
PLANTED_NAMES = [MOVER[0], CORRUPT_MOVER[0], SERIAL_MOVER[0], NAMESAKE[0],
                 *(holder[0] for holder in SHARED_HOLDERS.values())]
PLANTED_NIKS = [MOVER_NIK, CORRUPT_MOVER_NIK, SERIAL_MOVER_NIK, SERIAL_MOVER_STALE_NIK, SHARED_NIK, *NAMESAKES.values()]

FIRST = ("AGUS", "BUDI", "DEWI", "EKA", "FRANS", "GUSTI", "HENDRA", "INDAH", "JOKO", "KORNELIS", "LUSI", "MARKUS")
LAST = ("TANAEM", "SANAM", "BANUNAEK", "NAPITUPULU", "HASIBUAN", "DAMANIK", "LUBIS", "POHAN", "HARAHAP", "DJAWA")


@dataclass(frozen=True)
class Record:
    province: str
    registry: str
    record_id: str
    person: str  # the province person (its cluster)
    nik: str | None
    name: str
    birth_date: dt.date
    sex: str
    record_date: dt.date
    national_person_id: str  # the truth
    district: str  # where the record's household lives
    bad_nik: bool = False


def nik_is_valid(nik: str | None) -> bool:
    """The test's stand-in for the province rule: 16 digits and a serial other than 0000 (every prefix here is a
    district of the national reference)."""
    return bool(nik) and len(nik) == 16 and nik.isdigit() and not nik.endswith("0000")


def nik_birth(nik: str) -> tuple[dt.date, str]:
    """The birth date and sex a valid NIK records (day + 40 for women; every year here is in the 1900s)."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    return dt.date(1900 + year, month, day - 40 if day > 40 else day), "F" if day > 40 else "M"


def _background(province: str) -> list[Record]:
    people = []
    for i in range(BACKGROUND_PERSONS):
        sex = "M" if i % 2 else "F"
        born = dt.date(1950 + i, 1 + i % 12, 1 + i % 27)
        day = born.day + (40 if sex == "F" else 0)
        regency = REGENCIES[province][i % 2]
        nik = f"{regency}01{day:02d}{born.month:02d}{born.year % 100:02d}{i + 1:04d}"
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + int(province)) % len(LAST)]}"
        person = f"regsosek:R-{province}-{i:04d}"
        truth = f"{province}-{i}"
        people.append(Record(province, "regsosek", f"R-{province}-{i:04d}", person, nik, name, born, sex,
                             dt.date(2022, 10, 1), truth, f"{regency}01"))
        if i % 3 == 0:  # a DTKS record of the same person, linked in the province
            people.append(Record(province, "dtks", f"D-{province}-{i:04d}", person, nik, name, born, sex,
                                 dt.date(2021, 6, 1), truth, f"{regency}01"))
    return people


def _planted() -> list[Record]:
    name, born, sex = MOVER
    corrupt_name, corrupt_born, corrupt_sex = CORRUPT_MOVER
    records = [
        Record("75", "regsosek", "R-75-M1", "regsosek:R-75-M1", MOVER_NIK, name, born, sex, dt.date(2022, 10, 1),
               "75-M1", "750101"),
        Record("53", "dtks", "D-53-M1", "dtks:D-53-M1", MOVER_NIK, name, born, sex, dt.date(2019, 3, 1), "75-M1",
               MOVER_NIK[:6]),
        Record("31", "regsosek", "R-31-M2", "regsosek:R-31-M2", CORRUPT_MOVER_NIK, corrupt_name, corrupt_born,
               corrupt_sex, dt.date(2022, 10, 1), "31-M2", "317101"),
        Record("75", "dtks", "D-75-M2", "dtks:D-75-M2", CORRUPT_MOVER_STALE_NIK, corrupt_name, corrupt_born,
               corrupt_sex, dt.date(2018, 2, 1), "31-M2", CORRUPT_MOVER_NIK[:6], bad_nik=True),
        Record("31", "regsosek", "R-31-M3", "regsosek:R-31-M3", SERIAL_MOVER_NIK, *SERIAL_MOVER, dt.date(2022, 10, 1),
               "31-M3", "317102"),
        Record("53", "dtks", "D-53-M3", "dtks:D-53-M3", SERIAL_MOVER_STALE_NIK, *SERIAL_MOVER, dt.date(2017, 9, 1),
               "31-M3", SERIAL_MOVER_NIK[:6], bad_nik=True),
    ]
    for province, (holder, holder_born, holder_sex) in SHARED_HOLDERS.items():
        records.append(Record(province, "regsosek", f"R-{province}-S", f"regsosek:R-{province}-S", SHARED_NIK, holder,
                              holder_born, holder_sex, dt.date(2022, 10, 1), f"{province}-S", f"{province}7102"))
    namesake, namesake_born, namesake_sex = NAMESAKE
    for province, nik in NAMESAKES.items():
        records.append(Record(province, "regsosek", f"R-{province}-N", f"regsosek:R-{province}-N", nik, namesake,
                              namesake_born, namesake_sex, dt.date(2022, 10, 1), f"{province}-N", nik[:6]))
    return records


def records() -> list[Record]:
    return [*(r for p in PROVINCES for r in _background(p)), *_planted()]


def _persons(con: duckdb.DuckDBPyConnection, rows: list[Record]) -> None:
    con.execute("create schema intermediate")
    con.execute("create schema linkage")
    con.execute("""
        create table intermediate.int_persons (
            person_record_key varchar, registry varchar, source_table varchar, record_id varchar, nik varchar,
            nik_is_valid boolean, nik_birth_date date, full_name varchar, name_normalised varchar, first_name varchar,
            last_name varchar, name_tokens_sorted varchar, sex varchar, birth_date date,
            sex_disagrees_with_nik boolean, birth_date_disagrees_with_nik boolean, district_code varchar,
            regency_code varchar, province_code varchar, record_date date)
    """)
    con.execute("create table linkage.person_clusters (person_id varchar, person_record_key varchar, registry varchar,"
                " source_table varchar, record_id varchar, cluster_size bigint, split_from varchar)")
    # The targeting list names persons by a pseudonymous key (int_marts_persons): the planted movers' stale records
    # and their new records are on their provinces' lists, a double payment the flags show.
    con.execute("create table intermediate.int_marts_persons (person_id varchar, person_key varchar)")
    con.execute("create schema marts")
    con.execute("create table marts.targeting_list (program varchar, person_key varchar)")
    for person in sorted({r.person for r in rows}):
        con.execute("insert into intermediate.int_marts_persons values (?, ?)", [person, f"key-{person}"])
        if "-M" in person or person.endswith("0003"):
            con.execute("insert into marts.targeting_list values ('PBI-JK', ?), ('PKH', ?)",
                        [f"key-{person}", f"key-{person}"])
    for r in rows:
        key = f"{r.registry}:{r.record_id}"
        tokens = r.name.split()
        valid = nik_is_valid(r.nik)
        born, sex = nik_birth(r.nik) if valid else (None, None)
        con.execute(f"insert into intermediate.int_persons values ({', '.join(['?'] * 20)})",
                    [key, r.registry, r.registry, r.record_id, r.nik, valid, born, r.name, r.name, tokens[0],
                     tokens[-1] if len(tokens) > 1 else None, " ".join(sorted(tokens)), r.sex, r.birth_date,
                     valid and sex != r.sex, valid and born != r.birth_date, r.district, r.district[:4], r.province,
                     r.record_date])
        con.execute("insert into linkage.person_clusters values (?, ?, ?, ?, ?, 1, null)",
                    [r.person, key, r.registry, r.registry, r.record_id])


def _marts(con: duckdb.DuckDBPyConnection, province: str) -> None:
    """Each rolled-up mart with its keys, labels and measures: two key groups, a province row that is the sum of
    its two regencies, counts large and small (so some cells are withheld when published)."""
    label_types = {"receipt_known": "boolean", "is_spm": "boolean", "target_pct": "double"}
    for index, rollup in enumerate(rollups()):
        keys = [f"{k} varchar" for k in rollup.keys]
        labels = [f"{c} {label_types.get(c, 'varchar')}" for c in rollup.labels]
        measures = [f"{m} bigint" for m in rollup.measures]
        columns = ["region_level varchar", "region_code varchar", "province_code varchar", "regency_code varchar",
                   *keys, *labels, *measures]
        con.execute(f"create table {rollup.source} ({', '.join(columns)})")
        for group in range(2):
            key_values = [f"{k}-{group}" for k in rollup.keys]
            label_values = [{"boolean": True, "double": 100.0}.get(label_types.get(c), f"{c}-{group}")
                            for c in rollup.labels]
            regency_values = []
            for position, regency in enumerate(REGENCIES[province]):
                values = [(100 + 37 * j + 11 * position + int(province) + index) if (j + group) % 4 else
                          (position + 2) for j in range(len(rollup.measures))]
                regency_values.append(values)
                con.execute(f"insert into {rollup.source} values ({', '.join(['?'] * len(columns))})",
                            ["regency", regency, province, regency, *key_values, *label_values, *values])
            totals = [sum(column) for column in zip(*regency_values, strict=True)]
            con.execute(f"insert into {rollup.source} values ({', '.join(['?'] * len(columns))})",
                        ["province", province, province, None, *key_values, *label_values, *totals])
        # Records without a known region (members of a household row the loader quarantined): a row with no codes
        # at each level, as the province marts make it; they count for the province whose warehouse holds them.
        for level in ("regency", "province"):
            con.execute(f"insert into {rollup.source} (region_level, {', '.join(rollup.measures)}) values "
                        f"('{level}', {', '.join(['1'] * len(rollup.measures))})")


def _truth(rows: list[Record], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("create table record_map (source varchar, record_id varchar, national_person_id varchar, "
                "nik_missing boolean, nik_digit_error boolean, nik_transposition boolean)")
    con.executemany("insert into record_map values (?, ?, ?, false, ?, false)",
                    [[r.registry, r.record_id, r.national_person_id, r.bad_nik] for r in rows])
    con.execute(f"copy record_map to '{folder / 'record_map.parquet'}' (format parquet)")
    con.close()


def _national_truth(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"""copy (select * from (values ('75-M1', '75', '53', '{MOVER_NIK}'),
                                               ('31-M2', '31', '75', '{CORRUPT_MOVER_NIK}'),
                                               ('31-M3', '31', '53', '{SERIAL_MOVER_NIK}'))
                          as m(national_person_id, residence_province, origin_province, nik))
                    to '{folder / 'movers.parquet'}' (format parquet)""")
    con.execute(f"""copy (select '53-N' as national_person_id_a, '31-N' as national_person_id_b)
                    to '{folder / 'namesakes.parquet'}' (format parquet)""")
    con.close()


def build_sample(root: Path) -> Path:
    """`root/<province>/warehouse.duckdb`, `root/<province>/truth/` and an empty landing folder
    `root/<province>/landing/` (where the pass delivers the targeting flags) for the three provinces, and
    `root/national_truth/`; returns root."""
    everything = records()
    for province in PROVINCES:
        rows = [r for r in everything if r.province == province]
        (root / province / "landing").mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(root / province / "warehouse.duckdb"))
        _persons(con, rows)
        _marts(con, province)
        con.close()
        _truth(rows, root / province / "truth")
    _national_truth(root / "national_truth")
    return root


def province_warehouses(root: Path) -> ProvinceWarehouses:
    """The sample under `root` as the pass's `provinces` resource: warehouses, landing folders and truth."""
    return ProvinceWarehouses(template=str(root / "{province}" / "warehouse.duckdb"),
                              landing_template=str(root / "{province}" / "landing"),
                              truth_template=str(root / "{province}" / "truth"),
                              national_truth=str(root / "national_truth"))
