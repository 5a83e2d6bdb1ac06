"""A small pair of person files in a non-Indonesian layout with planted matches, for `sepakat link` tests.

`clinic.csv` (comma, DD/MM/YYYY, M/F, NHS-style number with spaces, address and postcode) lists every person;
`benefits.csv` (semicolon, one "SURNAME, Forename" column, ISO dates, sex as 1/2, number without spaces) lists
some of them again, with typos, swapped day and month, missing numbers, and people who are not in the clinic
file, and relatives of clinic patients (same surname and postcode, another forename and birth date) who must not
be linked to them. Returns the planted (clinic id, benefits id) pairs.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

FORENAMES = {
    "M": ["James", "Oliver", "George", "Harry", "Jack", "Noah", "Charlie", "Thomas", "Oscar", "William", "Henry",
          "Leo", "Alfie", "Joshua", "Freddie", "Archie", "Ethan", "Isaac", "Alexander", "Joseph", "Samuel",
          "Daniel", "Benjamin", "Lucas", "Edward"],
    "F": ["Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Mia", "Poppy", "Ella", "Lily",
          "Evie", "Isabella", "Charlotte", "Jessica", "Daisy", "Sophie", "Florence", "Alice", "Ruby", "Freya",
          "Chloe", "Matilda", "Phoebe", "Harriet"],
}
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
            "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
            "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis", "Rodriguez",
            "Cox", "Alexander", "Morgan", "Moore", "Hughes", "Edwards", "Turner", "Ward", "Baker", "Harrison"]
TOWNS = [("Leeds", "LS"), ("York", "YO"), ("Bristol", "BS"), ("Cardiff", "CF"), ("Norwich", "NR")]
STREETS = ["High Street", "Station Road", "Church Lane", "Park Avenue", "Mill Road", "Queens Road"]


def _typo(rnd: random.Random, word: str) -> str:
    i = rnd.randrange(1, len(word))
    return word[:i] + word[i + 1:] if rnd.random() < 0.5 else word[:i] + rnd.choice("aeiourstn") + word[i:]


def write_planted_pair(folder: Path, persons: int = 400, in_both: int = 250, only_right: int = 100,
                       relatives: int = 40, seed: int = 3) -> set[tuple[str, str]]:
    rnd = random.Random(seed)
    people = []
    for i in range(persons + only_right):
        sex = rnd.choice("MF")
        town, area = rnd.choice(TOWNS)
        people.append({
            "sex": sex,
            "forename": rnd.choice(FORENAMES[sex]),
            "surname": rnd.choice(SURNAMES),
            "dob": date(1940, 1, 1) + timedelta(days=rnd.randrange(80 * 365)),
            "nhs": f"{rnd.randrange(10**9, 10**10)}",
            "address": f"{rnd.randrange(1, 200)} {rnd.choice(STREETS)}",
            "town": town,
            "postcode": f"{area}{rnd.randrange(1, 30)} {rnd.randrange(1, 10)}"
                        f"{rnd.choice('ABDEFG')}{rnd.choice('HJLNPQ')}",
            "id": i,
        })
    clinic = people[:persons]
    with (folder / "clinic.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["patient_id", "forename", "surname", "dob", "gender", "nhs_number", "address_line_1",
                         "town", "postcode"])
        for p in clinic:
            nhs = f"{p['nhs'][:3]} {p['nhs'][3:6]} {p['nhs'][6:]}"
            writer.writerow([f"C{p['id']:05d}", p["forename"], p["surname"], p["dob"].strftime("%d/%m/%Y"),
                             p["sex"], nhs, p["address"], p["town"], p["postcode"]])

    family = []
    for p in rnd.sample(clinic, relatives):
        sex = rnd.choice("MF")
        forename = rnd.choice([name for name in FORENAMES[sex] if name != p["forename"]])
        born = p["dob"] + timedelta(days=rnd.choice([-1, 1]) * rnd.randrange(400, 12000))
        family.append({**p, "sex": sex, "forename": forename, "dob": born, "nhs": "", "id": -1})

    planted = set()
    again = rnd.sample(clinic, in_both) + people[persons:] + family
    rnd.shuffle(again)
    with (folder / "benefits.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["claimant_ref", "claimant_name", "date_of_birth", "sex_code", "ni_or_nhs", "post_code"])
        for n, p in enumerate(again):
            ref = f"B{n:05d}"
            if 0 <= p["id"] < persons:
                planted.add((f"C{p['id']:05d}", ref))
            forename, surname, dob, nhs = p["forename"], p["surname"], p["dob"], p["nhs"]
            roll = rnd.random()
            if roll < 0.15:
                surname = _typo(rnd, surname)
            elif roll < 0.25:
                forename = forename[0]  # initial only
            if rnd.random() < 0.05 and dob.day <= 12 and dob.day != dob.month:
                dob = date(dob.year, dob.day, dob.month)
            if rnd.random() < 0.2:
                nhs = ""
            writer.writerow([ref, f"{surname.upper()}, {forename}", dob.isoformat(), "1" if p["sex"] == "M" else "2",
                             nhs, p["postcode"].replace(" ", "")])
    return planted


MAPPING_YAML = """\
version: 1
columns:
  record_id: patient_id
  given_name: forename
  surname: surname
  birth_date: {column: dob, format: "%d/%m/%Y"}
  sex: gender
  national_id: nhs_number
  address: [address_line_1, town]
  postcode: postcode
right:
  format: {delimiter: ";"}
  columns:
    record_id: claimant_ref
    full_name: claimant_name
    given_name: null
    surname: null
    birth_date: {column: date_of_birth, format: "%Y-%m-%d"}
    sex: {column: sex_code, values: {"1": male, "2": female}}
    national_id: ni_or_nhs
    address: null
    postcode: post_code
output:
  format: csv
"""
