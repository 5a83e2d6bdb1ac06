"""National persons: connected components of province persons over the cross-province links, and the review queue.

A node is a province person (province code, province person_id); an edge is a NIK link (the same valid NIK,
agreeing identities) or a scored pair at or above the match probability. The national person key is the
smallest `<province>:<person_id>` of the component, so the same links always give the same keys. Only the nodes
that have a link take part in the propagation (a few per cent of the nation); every other province person is a
national person of its own.
"""

from __future__ import annotations

import duckdb

from sepakat_dagster.defs.linkage.records import scalar
from sepakat_dagster.defs.national.nik_index import NIK_CONFLICTS, NIK_PAIRS, PERSON_RECORDS
from sepakat_dagster.defs.national.predict import SCORED_PAIRS
from sepakat_dagster.defs.national.settings import MATCH_PROBABILITY, REVIEW_PROBABILITY

CROSS_PROVINCE_LINKS = "national.cross_province_links"
PERSON_KEYS = "national.person_keys"
REVIEW_QUEUE = "national.review_queue"
NIK_METHOD = "nik"
PROBABILISTIC_METHOD = "probabilistic"
# Label propagation moves the smallest label one link per round, so the rounds are a component's diameter; a
# national person spans a handful of provinces, so a chain this long means a bug, not a person.
MAX_ROUNDS = 64


def _node(province: str, person: str) -> str:
    return f"{province} || ':' || {person}"


def link(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """`national.cross_province_links`, `national.person_keys` and `national.review_queue`; counts only."""
    con.execute(f"""
        create or replace table {CROSS_PROVINCE_LINKS} as
        with nik as (
            select distinct province_l, person_id_l, province_r, person_id_r, '{NIK_METHOD}' as method,
                null::double as match_weight, 1.0::double as match_probability
            from {NIK_PAIRS} where identity_agrees
        ),
        scored as (
            select province_l, person_id_l, province_r, person_id_r, '{PROBABILISTIC_METHOD}' as method,
                match_weight, match_probability
            from {SCORED_PAIRS} as s
            where match_probability >= {float(MATCH_PROBABILITY)}
                and not exists (select 1 from nik where nik.province_l = s.province_l
                    and nik.person_id_l = s.person_id_l and nik.province_r = s.province_r
                    and nik.person_id_r = s.person_id_r)
        )
        select * from nik union all select * from scored
        order by province_l, person_id_l, province_r, person_id_r
    """)
    con.execute(f"""
        create or replace temp table edges as
        select {_node('province_l', 'person_id_l')} as a, {_node('province_r', 'person_id_r')} as b
        from {CROSS_PROVINCE_LINKS}
    """)
    con.execute("""
        create or replace temp table labels as
        select node, node as label from (select a as node from edges union select b from edges)
    """)
    rounds = 0
    while True:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise RuntimeError(f"cross-province components did not settle in {MAX_ROUNDS} rounds: a chain of links "
                               "through many provinces; inspect national.cross_province_links")
        con.execute("""
            create or replace temp table proposed as
            select node, min(label) as label from (
                select node, label from labels
                union all
                select edges.b, labels.label from edges join labels on edges.a = labels.node
                union all
                select edges.a, labels.label from edges join labels on edges.b = labels.node
            )
            group by node
        """)
        changed = scalar(con, """
            select count(*) from proposed join labels using (node) where proposed.label <> labels.label
        """)
        con.execute("create or replace temp table labels as select * from proposed")
        if not changed:
            break
    con.execute(f"""
        create or replace table {PERSON_KEYS} as
        with persons as (select distinct province_code, person_id from {PERSON_RECORDS}),
        keyed as (
            select persons.province_code, persons.person_id,
                coalesce(labels.label, {_node('persons.province_code', 'persons.person_id')}) as national_person_key
            from persons
            left join labels on labels.node = {_node('persons.province_code', 'persons.person_id')}
        )
        select *, count(distinct province_code) over (partition by national_person_key) as provinces,
            count(*) over (partition by national_person_key) as province_persons
        from keyed
    """)
    con.execute(f"""
        create or replace table {REVIEW_QUEUE} as
        select 'nik_conflict' as review_reason, province_l, person_id_l, province_r, person_id_r,
            null::double as match_probability, disagreeing_fields
        from {NIK_CONFLICTS}
        union all
        select 'uncertain_match', province_l, person_id_l, province_r, person_id_r, match_probability,
            null::varchar[]
        from {SCORED_PAIRS}
        where match_probability >= {float(REVIEW_PROBABILITY)} and match_probability < {float(MATCH_PROBABILITY)}
        order by review_reason, province_l, person_id_l, province_r, person_id_r
    """)
    (nik_links, scored_links, persons, national_persons, spanning, same_province, review) = con.execute(f"""
        select
            (select count(*) from {CROSS_PROVINCE_LINKS} where method = '{NIK_METHOD}'),
            (select count(*) from {CROSS_PROVINCE_LINKS} where method = '{PROBABILISTIC_METHOD}'),
            count(*),
            count(distinct national_person_key),
            count(distinct national_person_key) filter (where provinces > 1),
            count(distinct national_person_key) filter (where province_persons > provinces),
            (select count(*) from {REVIEW_QUEUE})
        from {PERSON_KEYS}
    """).fetchone()
    return {"nik_links": nik_links, "probabilistic_links": scored_links, "province_persons": persons,
            "national_persons": national_persons, "persons_in_several_provinces": spanning,
            "persons_joining_two_of_one_province": same_province, "review_queue": review,
            "propagation_rounds": rounds}
