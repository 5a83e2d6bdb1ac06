"""Primary-care (puskesmas) service records, January-June 2025: the health SPM services, one row per service.

Coverage is below 100 % and lower for the poor. SESUAI_STANDAR says whether the person's care met the SPM
standard (e.g. at least six antenatal visits); it is repeated on each of that person's rows of the service.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sepakat_synthetic import config, formats
from sepakat_synthetic.errors import BrokenSpec, inject_broken_rows, outdated_villages
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.persons import age_on
from sepakat_synthetic.sampling import random_dates
from sepakat_synthetic.world import World, record_map

_VINTAGE = config.VINTAGES["kesehatan"]
_START, _END = config.HEALTH_START, config.HEALTH_END
NEWBORN_NIK_MISSING_FACTOR = 16  # babies are often served before their birth is registered (0.4 by default)
COLUMNS_UPPER = (
    "ID_LAYANAN",
    "NIK",
    "NAMA_PASIEN",
    "TGL_LAHIR",
    "JK",
    "KODE_DESA",
    "KODE_PUSKESMAS",
    "JENIS_LAYANAN",
    "TGL_LAYANAN",
    "SESUAI_STANDAR",
)


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("kesehatan")
    p = world.persons
    birth = p["birth_date"].to_numpy().astype("datetime64[D]")
    death = p["death_date"].to_numpy().astype("datetime64[D]")
    alive_from = np.maximum(birth, _START)
    alive_until = np.where(np.isnat(death), _END, np.minimum(death, _END))
    around = alive_from <= alive_until
    age = age_on(birth, _END)
    access = np.clip(0.75 + 0.04 * (p["decile"].to_numpy() - 1), 0, 1.0)  # the poor reach the puskesmas less
    mothers = p["mother_person_id"].to_numpy(dtype=np.int64, na_value=0)
    newborn = around & (birth >= _START) & (birth <= _END)

    services: list[tuple] = []  # (code, persons, visits, to standard, first day, last day)

    def add(
        code: str,
        people: np.ndarray,
        visits: np.ndarray,
        standard: np.ndarray,
        first: np.ndarray | None = None,
        last: np.ndarray | None = None,
    ) -> None:
        first = alive_from[people] if first is None else first
        last = alive_until[people] if last is None else last
        keep = visits > 0
        services.append((code, people[keep], visits[keep], standard[keep], first[keep], last[keep]))

    babies = np.flatnonzero(newborn)
    with_mother = babies[(mothers[babies] > 0) & around[np.maximum(mothers[babies] - 1, 0)]]
    delivered = mothers[with_mother] - 1
    anc = np.r_[np.flatnonzero(p["pregnant"].to_numpy() & around), delivered]
    anc_visits = rng.binomial(8, 0.45 + 0.4 * access[anc]) * (rng.random(len(anc)) < access[anc])
    add("ANC", anc, anc_visits, anc_visits >= 6)
    at_facility = rng.random(len(delivered)) < 0.6 + 0.3 * access[delivered]
    add(
        "PERSALINAN",
        delivered,
        (rng.random(len(delivered)) < 0.95).astype(np.int64),
        at_facility,
        birth[with_mother],
        birth[with_mother],
    )
    kn_visits = rng.binomial(3, 0.55 + 0.35 * access[babies])
    add(
        "KN",
        babies,
        kn_visits,
        kn_visits >= 3,
        birth[babies],
        np.minimum(birth[babies] + 28, alive_until[babies]),
    )
    toddlers = np.flatnonzero(around & (age >= 1) & (age <= 4))
    weighings = rng.binomial(6, 0.45 + 0.35 * access[toddlers]) * (
        rng.random(len(toddlers)) < access[toddlers]
    )
    add("BALITA", toddlers, weighings, weighings >= 4)
    for code, lo, hi, coverage in (
        ("SKRINING_USIA_DIDIK", 7, 15, 0.55),
        ("SKRINING_PRODUKTIF", 15, 59, 0.35),
        ("SKRINING_LANSIA", 60, 120, 0.45),
    ):
        group = np.flatnonzero(around & (age >= lo) & (age <= hi))
        screened = (rng.random(len(group)) < coverage * access[group]).astype(np.int64)
        add(code, group, screened, screened > 0)
    for code, column, coverage in (("HIPERTENSI", "hypertension", 0.5), ("DM", "diabetes", 0.55)):
        group = np.flatnonzero(around & p[column].to_numpy() & (age >= 15))
        visits = rng.integers(1, 7, len(group)) * (rng.random(len(group)) < coverage * access[group])
        add(code, group, visits, visits >= 3)

    def expand(part: int) -> np.ndarray:
        return np.concatenate([np.repeat(np.broadcast_to(s[part], len(s[1])), s[2]) for s in services])

    code, person, standard, first, last = (expand(i) for i in (0, 1, 3, 4, 5))
    when = random_dates(rng, first, last, len(person))
    seconds = rng.integers(7 * 3600 + 30 * 60, 14 * 3600, len(person))
    stamp = when.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    order = np.argsort(stamp, kind="stable")
    code, person, standard, stamp = code[order], person[order], standard[order], stamp[order]

    n_records = len(person)
    record_id = formats.join("LYN", formats.digits(rng.permutation(n_records) + 1, 10))
    household_row = world.household_row[person]
    village, outdated = outdated_villages(
        world.households["village_index"].to_numpy()[household_row],
        world.village_regency,
        world.rates.outdated_village,
        rng,
    )
    district = world.households["district_code"].to_numpy()[household_row]
    clinic = formats.join("P", formats.digits(district), formats.digits(1 + (person % 2), 2))
    missing_rate = world.rates.nik_missing
    missing = np.where(newborn[person], min(1.0, NEWBORN_NIK_MISSING_FACTOR * missing_rate), missing_rate)
    records = world.person_errors(
        person, np.datetime64(_VINTAGE), np.datetime64(_VINTAGE), rng, nik_missing_rate=missing
    )
    title_case = rng.random(n_records) < 0.5  # typed at the counter: the case depends on the clerk
    columns = {
        "id_layanan": record_id,
        "nik": records.nik,
        "nama_pasien": pc.if_else(
            pa.array(title_case), formats.text(records.name), formats.upper(records.name)
        ),
        "tgl_lahir": formats.dates(records.birth_date, "%d/%m/%Y"),
        "jk": formats.choose(records.female, "P", "L"),
        "kode_desa": world.village_code(village),
        "kode_puskesmas": clinic,
        "jenis_layanan": formats.text(code),
        "tgl_layanan": formats.dates(stamp, "%Y-%m-%d %H:%M:%S"),
        "sesuai_standar": formats.choose(standard, "YA", "TIDAK"),
    }
    broken = inject_broken_rows(
        columns,
        BrokenSpec(
            "nik",
            (("tgl_lahir", "%d/%m/%Y"), ("tgl_layanan", "%Y-%m-%d %H:%M:%S")),
            (("kode_desa", "village"),),
        ),
        world.rates.broken_row,
        rng,
        fallback_number=p["nik"].to_numpy()[person],
    )
    return [
        SourceFile(
            "kesehatan_layanan",
            f"kesehatan/layanan_kesehatan_{_VINTAGE:%Y%m}.tsv",
            table(columns),
            COLUMNS_UPPER,
            "\t",
            record_map=record_map(
                "kesehatan_layanan",
                record_id,
                p["household_id"].to_numpy()[person],
                p["person_id"].to_numpy()[person],
                {**records.flags, "outdated_village": outdated, **broken},
            ),
        )
    ]
