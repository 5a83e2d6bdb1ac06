"""The clerical review queue: pairs the model is unsure about, or that formed an implausible person, with the
fields that disagree.

Two reasons put a pair in the queue (`review_reason`):
- `uncertain_match`: a match probability at or above the review threshold and below the match threshold;
- `oversized_cluster_split`: a link inside a component too big to be one person, which the clustering split
  (cluster.py); a clerk decides which of its records belong together.
Each row shows both records' recorded values side by side and lists the fields that disagree (both present,
different) and the fields missing on one side, so that a clerk can decide without opening the registries. The
queue holds personal data and lives only in the warehouse: Dagster metadata shows counts, never rows.
"""

from __future__ import annotations

import duckdb

from sepakat_dagster.defs.linkage.settings import THRESHOLDS, Thresholds

# Field name in the queue → column of int_persons compared for it.
REVIEW_FIELDS = {
    "name": "name_normalised",
    "birth_date": "birth_date",
    "sex": "sex",
    "nik": "nik",
    "village": "village_code",
}
SHOWN_COLUMNS = ("full_name", "birth_date", "sex", "nik", "village_code", "household_record_key")


def _field_list(condition: str) -> str:
    items = ", ".join(f"case when {condition.format(c=column)} then '{name}' end" for name, column in
                      REVIEW_FIELDS.items())
    return f"list_filter([{items}], lambda field: field is not null)"


def review_queue_sql(links: str, records: str, clusters: str, thresholds: Thresholds = THRESHOLDS) -> str:
    """SELECT of the queue from the links, the person records (int_persons) and the clusters."""
    shown = ",\n            ".join(f"l.{c} as {c}_l, r.{c} as {c}_r" for c in SHOWN_COLUMNS)
    return f"""
        select
            links.person_record_key_l || '|' || links.person_record_key_r as review_key,
            links.person_record_key_l,
            links.person_record_key_r,
            links.registry_l,
            links.registry_r,
            links.match_probability,
            links.match_weight,
            links.match_key,
            case when cl.split_from = cr.split_from then 'oversized_cluster_split' else 'uncertain_match' end
                as review_reason,
            cl.person_id as person_id_l,
            cr.person_id as person_id_r,
            cl.person_id = cr.person_id as already_same_person,
            {_field_list("l.{c} is not null and r.{c} is not null and l.{c} <> r.{c}")} as disagreeing_fields,
            {_field_list("(l.{c} is null) <> (r.{c} is null)")} as missing_fields,
            {shown}
        from {links} as links
        join {records} as l on links.person_record_key_l = l.person_record_key
        join {records} as r on links.person_record_key_r = r.person_record_key
        left join {clusters} as cl on links.person_record_key_l = cl.person_record_key
        left join {clusters} as cr on links.person_record_key_r = cr.person_record_key
        where (links.match_probability >= {float(thresholds.review)}
                and links.match_probability < {float(thresholds.match)})
            or (links.match_probability >= {float(thresholds.match)} and cl.split_from = cr.split_from)
        order by links.match_probability desc, links.person_record_key_l, links.person_record_key_r
    """


def build_review_queue(con: duckdb.DuckDBPyConnection, target: str, links: str, records: str, clusters: str,
                       thresholds: Thresholds = THRESHOLDS) -> dict[str, int]:
    """Replace `target` with the queue; returns its size, how many of its pairs are already one person, and how
    many come from split oversized components."""
    con.execute(f"create or replace table {target} as {review_queue_sql(links, records, clusters, thresholds)}")
    rows = con.execute(f"""
        select count(*), count(*) filter (where already_same_person),
            count(*) filter (where review_reason = 'oversized_cluster_split')
        from {target}
    """).fetchall()[0]
    by_field = dict(con.execute(f"""
        select field, count(*) from (select unnest(disagreeing_fields) as field from {target}) group by field
    """).fetchall())
    return {"pairs": rows[0], "already_same_person": rows[1], "oversized_cluster_split": rows[2],
            **{f"disagree_{name}": by_field.get(name, 0) for name in REVIEW_FIELDS}}
