"""The SQL the model is made of, evaluated in DuckDB on hand-picked examples, and the settings as a whole."""

from __future__ import annotations

import duckdb
import pytest

from sepakat_dagster.defs.linkage import settings


def evaluate(sql: str, **values) -> object:
    """`sql` over one row whose columns are `values` (lists become DuckDB lists)."""
    with duckdb.connect() as con:
        columns = ", ".join(f"? as {name}" for name in values)
        return con.execute(f"select {sql} from (select {columns})", list(values.values())).fetchall()[0][0]


@pytest.mark.parametrize(("left", "right", "expected"), [
    (["Y", "TEFA"], ["YOHANES", "TEFA"], True),  # initial of the first name
    (["MARIA", "LAKA"], ["MARIA", "GORETI", "LAKA"], True),  # middle name dropped
    (["MARIA", "GORETI", "LAKA"], ["MARIA", "LAKA"], True),  # either way round
    (["MARIA", "LAKA"], ["MARIA", "LEKI"], False),
    (["YOSUA"], ["YONATAN", "LUAN"], False),
])
def test_a_shortened_name_is_found_within_the_longer_one(left, right, expected):
    sql = settings.shortened_name_sql("tl", "tr", "nl", "nr")
    assert evaluate(sql, tl=left, tr=right, nl=" ".join(left), nr=" ".join(right)) is expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("5301011503900001", "5301011503900001", True),
    ("5301011503900001", "5301011503900002", True),  # one digit
    ("5301011503900001", "5301015103900001", True),  # two adjacent digits swapped
    ("5301011503900001", "530101150390001", True),  # one missing
    ("5301011503900001", "5301011503900022", False),
])
def test_one_edit_apart(a, b, expected):
    assert evaluate(settings.one_edit_apart_sql("a", "b"), a=a, b=b) is expected


@pytest.mark.parametrize(("a", "b", "consistent", "expected"), [
    # Birth-date part mistyped (15 → 16), and the mistyped NIK disagrees with its record: a typo.
    ("5301011503900001", "5301011603900001", (True, False), True),
    # The same two NIKs, both agreeing with their records: two people born a day apart.
    ("5301011503900001", "5301011603900001", (True, True), False),
    # Serial or district one digit apart: what two people born the same day in one regency look like.
    ("5301011503900001", "5301011503900002", (True, False), False),
    ("5301051503900001", "5301061503900001", (True, False), False),
    # Day + 40 is the other sex: a brother and a sister born the same day, even with one sex recorded wrongly.
    ("5301011503900001", "5301015503900001", (True, False), False),
])
def test_a_nik_typo_is_only_a_birth_date_part_that_contradicts_a_record(a, b, consistent, expected):
    sql = settings.nik_typo_sql("a", "b", "ca", "cb")
    assert evaluate(sql, a=a, b=b, ca=consistent[0], cb=consistent[1]) is expected


def test_the_birth_date_key_is_the_same_when_day_and_month_are_swapped():
    from sepakat_dagster.defs.linkage.records import PREPARE_SQL

    key = PREPARE_SQL.split("as birth_year,")[1].split("as birth_date_key")[0]
    with duckdb.connect() as con:
        keys = [con.execute(f"select {key} from (select ?::date as birth_date)", [d]).fetchall()[0][0]
                for d in ("1990-03-05", "1990-05-03", "1990-05-04")]
    assert keys[0] == keys[1] != keys[2]


def test_prediction_rules_score_only_pairs_with_a_record_outside_the_nik_groups():
    """Two records of one NIK group are linked already, two of different groups are two confirmed persons: only
    pairs with at least one ungrouped record reach the model."""
    rules = settings.blocking_rules_for_prediction()
    assert len(rules) == len(settings.BLOCKING_RULES)
    names = [name for name, _ in settings.BLOCKING_RULES]
    assert len(set(names)) == len(names)
    with duckdb.connect() as con:
        con.execute("""
            create table records as select * from (values
                ('a', 'X'), ('b', 'X'), ('c', 'Y'), ('d', null)) as t(unique_id, deterministic_group)
        """)
        pairs = con.execute(f"""
            select l.unique_id || r.unique_id from records as l join records as r
                on l.unique_id < r.unique_id and {settings.NOT_BOTH_GROUPED_BY_NIK}
            order by 1
        """).fetchall()
    assert [p for (p,) in pairs] == ["ad", "bd", "cd"]
    assert all(settings.NOT_BOTH_GROUPED_BY_NIK in rule for rule in rules)


def test_the_settings_compare_names_dates_sex_place_and_nik():
    creator = settings.settings_creator()
    names = [c.create_output_column_name() for c in creator.comparisons]
    assert names == ["name", "birth_date", "sex", "location", "nik"]
    assert creator.link_type == "dedupe_only"
    assert 0 < settings.THRESHOLDS.store < settings.THRESHOLDS.review < settings.THRESHOLDS.match < 1
