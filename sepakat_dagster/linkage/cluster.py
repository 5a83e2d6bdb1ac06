"""Cluster linked pairs into persons: connected components over the pairs at or above the match threshold.

Every record is a node, so a record linked to nothing is a person of its own. The person id is the smallest
record key in the cluster: the same links always give the same ids, whatever order the pairs come in.
"""

from __future__ import annotations

import duckdb
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from sepakat_dagster.linkage.records import first_row

PERSON_CLUSTERS = "person_clusters"


def cluster(con: duckdb.DuckDBPyConnection, nodes: str, links: str, threshold: float) -> dict[str, int]:
    """Build `person_clusters` in `con` from a `nodes` table (person_record_key, registry, source_table,
    record_id) and a `links` table (person_record_key_l, person_record_key_r, match_probability)."""
    con.execute(f"create or replace temp table cluster_nodes as select person_record_key as node_id from {nodes}")
    con.execute(f"""
        create or replace temp table cluster_edges as
        select person_record_key_l as node_id_l, person_record_key_r as node_id_r, match_probability
        from {links}
        where match_probability >= {float(threshold)}
    """)
    db_api = DuckDBAPI(con)
    components = cluster_pairwise_predictions_at_threshold(
        db_api.register("cluster_nodes"), db_api.register("cluster_edges"), db_api,
        node_id_column_name="node_id", edge_id_column_name_left="node_id_l", edge_id_column_name_right="node_id_r",
        threshold_match_probability=float(threshold),
    )
    con.execute(f"""
        create or replace table {PERSON_CLUSTERS} as
        with components as (
            select node_id, min(node_id) over (partition by cluster_id) as person_id,
                count(*) over (partition by cluster_id) as cluster_size
            from {components.physical_name}
        )
        select
            components.person_id,
            nodes.person_record_key,
            nodes.registry,
            nodes.source_table,
            nodes.record_id,
            components.cluster_size
        from {nodes} as nodes
        left join components on nodes.person_record_key = components.node_id
        order by components.person_id, nodes.person_record_key
    """)
    components.drop_table_from_database_and_remove_from_cache()
    records, persons, linked, largest = first_row(con, f"""
        select count(*), count(distinct person_id), count(distinct person_id) filter (where cluster_size > 1),
            coalesce(max(cluster_size), 0)
        from {PERSON_CLUSTERS}
    """)
    return {"records": records, "persons": persons, "persons_with_several_records": linked,
            "largest_cluster": largest}


def sanity(con: duckdb.DuckDBPyConnection, clusters: str, records: str, max_cluster_size: int) -> dict[str, int]:
    """Counts of suspicious persons: more records than `max_cluster_size`, or records of different sex AND
    different birth years (one person's records may disagree on one of the two, rarely on both)."""
    oversized, mixed, multi = first_row(con, f"""
        with members as (
            select c.person_id, c.cluster_size, r.sex, year(r.birth_date) as birth_year
            from {clusters} as c
            join {records} as r on c.person_record_key = r.person_record_key
        ),
        persons as (
            select person_id, max(cluster_size) as size,
                count(distinct sex) > 1 and count(distinct birth_year) > 1 as mixed
            from members group by person_id
        )
        select count(*) filter (where size > {int(max_cluster_size)}), count(*) filter (where mixed),
            count(*) filter (where size > 1)
        from persons
    """)
    return {"oversized_persons": oversized, "mixed_sex_and_birth_year_persons": mixed,
            "persons_with_several_records": multi}


def conservation(con: duckdb.DuckDBPyConnection, clusters: str, records: str) -> dict[str, int]:
    """Every record exactly once: counts of records missing from the clusters, rows whose key is not a record,
    keys listed more than once and rows without a person id."""
    missing, unknown, duplicated, without_person, staged, clustered = first_row(con, f"""
        select
            (select count(*) from {records} as r
                where not exists (select 1 from {clusters} as c where c.person_record_key = r.person_record_key)),
            (select count(*) from {clusters} as c
                where not exists (select 1 from {records} as r where r.person_record_key = c.person_record_key)),
            (select count(*) - count(distinct person_record_key) from {clusters}),
            (select count(*) from {clusters} where person_id is null),
            (select count(*) from {records}),
            (select count(*) from {clusters})
    """)
    return {"records_staged": staged, "records_clustered": clustered, "missing": missing, "unknown": unknown,
            "duplicated": duplicated, "without_person_id": without_person}
