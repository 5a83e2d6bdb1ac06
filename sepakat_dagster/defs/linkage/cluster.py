"""Cluster linked pairs into persons: connected components over the pairs at or above the match threshold.

Every record is a node, so a record linked to nothing is a person of its own. The person id is the smallest
record key in the cluster: the same links always give the same ids, whatever order the pairs come in. A component
too big to be one person is repaired here, not left to fail the province (settings.ClusterLimits). Every table
lives in the connection's database: on the linkage's scratch file, large ones spill to disk.
"""

from __future__ import annotations

from collections import Counter

import duckdb
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from sepakat_dagster.defs.linkage.records import first_row
from sepakat_dagster.defs.linkage.settings import CLUSTER_LIMITS, ClusterLimits

PERSON_CLUSTERS = "person_clusters"
PERSON_PROFILE = "person_profile"  # persons by size and combination of registries


def _components(con: duckdb.DuckDBPyConnection, nodes: str, edges: str, threshold: float, target: str) -> None:
    """`target` (node_id, person_id, cluster_size): Splink's connected components of `nodes` (node_id) over
    `edges` (node_id_l, node_id_r, match_probability) at `threshold`; the person id is the smallest node id."""
    db_api = DuckDBAPI(con)
    components = cluster_pairwise_predictions_at_threshold(
        db_api.register(nodes), db_api.register(edges), db_api,
        node_id_column_name="node_id", edge_id_column_name_left="node_id_l", edge_id_column_name_right="node_id_r",
        threshold_match_probability=float(threshold),
    )
    con.execute(f"""
        create or replace table {target} as
        select node_id, min(node_id) over (partition by cluster_id) as person_id,
            count(*) over (partition by cluster_id) as cluster_size
        from {components.physical_name}
    """)
    components.drop_table_from_database_and_remove_from_cache()


def _repair_oversized(con: duckdb.DuckDBPyConnection, limits: ClusterLimits) -> dict[str, int]:
    """Split the components of `cluster_assignment` bigger than `limits.max_size`: re-cluster each on its own links
    at every stricter threshold in turn, then cut what is still too big into single records. Every repaired record
    keeps the id of the component it was split from (`split_from`), for the review queue. Returns the counts of
    components found too big and of their records."""
    oversized_persons, oversized_records = first_row(con, f"""
        select count(distinct person_id), count(*) from cluster_assignment where cluster_size > {limits.max_size}
    """)
    # A record split once keeps the component it was first split from.
    con.execute(f"""
        update cluster_assignment set split_from = person_id
        where cluster_size > {limits.max_size} and split_from is null
    """)
    for threshold in limits.repair_thresholds:
        pending = first_row(con, f"select count(*) from cluster_assignment where cluster_size > {limits.max_size}")[0]
        if not pending:
            break
        con.execute(f"""
            create or replace table repair_nodes as
            select node_id, person_id from cluster_assignment where cluster_size > {limits.max_size}
        """)
        con.execute("""
            create or replace table repair_edges as
            select edges.* from cluster_edges as edges
            join repair_nodes as l on edges.node_id_l = l.node_id
            join repair_nodes as r on edges.node_id_r = r.node_id and l.person_id = r.person_id
        """)
        _components(con, "repair_nodes", "repair_edges", threshold, "repaired")
        con.execute("""
            update cluster_assignment set person_id = repaired.person_id, cluster_size = repaired.cluster_size
            from repaired where cluster_assignment.node_id = repaired.node_id
        """)
    con.execute(f"""
        update cluster_assignment set person_id = node_id, cluster_size = 1 where cluster_size > {limits.max_size}
    """)
    for table in ("repair_nodes", "repair_edges", "repaired"):
        con.execute(f"drop table if exists {table}")
    return {"oversized_persons_found": oversized_persons, "records_in_oversized_persons": oversized_records}


def _household_edges(con: duckdb.DuckDBPyConnection, links: str, household_threshold: float,
                     threshold: float) -> int:
    """`household_edges`: the links of `links` scored at or above `household_threshold` and below `threshold` whose
    two records belong to two households that other records already join: each household holds another record
    (not one of the pair) of one person of `cluster_assignment`. Returns how many; they are added to
    `cluster_edges` too, for the repair of what they make too big.
    """
    con.execute(f"""
        create or replace table household_edges as
        with members as (
            select assignment.node_id, assignment.person_id, keys.household_record_key
            from cluster_assignment as assignment
            join cluster_keys as keys on assignment.node_id = keys.node_id
            where assignment.cluster_size > 1 and keys.household_record_key is not null
        ),
        bridges as (
            -- Two households, and the records through which one person joins them.
            select l.household_record_key as household_l, r.household_record_key as household_r,
                l.node_id as via_l, r.node_id as via_r
            from members as l
            join members as r on l.person_id = r.person_id and l.household_record_key <> r.household_record_key
        ),
        candidates as (
            select l.node_id as node_id_l, r.node_id as node_id_r, links.match_probability,
                l.household_record_key as household_l, r.household_record_key as household_r
            from {links} as links
            join cluster_keys as l on links.person_record_key_l = l.person_record_key
            join cluster_keys as r on links.person_record_key_r = r.person_record_key
            where links.match_probability >= {float(household_threshold)}
                and links.match_probability < {float(threshold)}
                and l.household_record_key <> r.household_record_key
        )
        select node_id_l, node_id_r, match_probability
        from candidates
        where exists (
            select 1 from bridges
            where bridges.household_l = candidates.household_l and bridges.household_r = candidates.household_r
                and bridges.via_l <> candidates.node_id_l and bridges.via_r <> candidates.node_id_r
        )
    """)
    con.execute("insert into cluster_edges select * from household_edges")
    return first_row(con, "select count(*) from household_edges")[0]


def _join_households(con: duckdb.DuckDBPyConnection) -> None:
    """Merge the persons of `cluster_assignment` that `household_edges` join.

    The components of the persons, not of the records again: a province's household links are a few thousand
    against millions of links, and the persons they touch are a small graph of their own, where recomputing every
    component cost as much as the first pass. The merged person is named by its smallest node id, as components
    are. A record split from an oversized component stays in its piece, which a household link may join.
    """
    con.execute("""
        insert into cluster_assignment (node_id, person_id, cluster_size)
        select ends.node_id, ends.node_id, 1
        from (select node_id_l as node_id from household_edges union select node_id_r from household_edges) as ends
        anti join cluster_assignment on ends.node_id = cluster_assignment.node_id
    """)
    con.execute("""
        create or replace table person_edges as
        select l.person_id as node_id_l, r.person_id as node_id_r, edges.match_probability
        from household_edges as edges
        join cluster_assignment as l on edges.node_id_l = l.node_id
        join cluster_assignment as r on edges.node_id_r = r.node_id
        where l.person_id <> r.person_id
    """)
    con.execute("""
        create or replace table person_nodes as
        select node_id_l as node_id from person_edges union select node_id_r from person_edges
    """)
    _components(con, "person_nodes", "person_edges", 0.0, "merged_persons")
    con.execute("""
        update cluster_assignment set person_id = merged.person_id
        from merged_persons as merged where cluster_assignment.person_id = merged.node_id
    """)
    con.execute("""
        update cluster_assignment set cluster_size = sizes.size
        from (
            select person_id, count(*) as size from cluster_assignment
            where person_id in (select person_id from merged_persons) group by person_id
        ) as sizes
        where cluster_assignment.person_id = sizes.person_id
    """)
    for table in ("person_edges", "person_nodes", "merged_persons"):
        con.execute(f"drop table {table}")


def _profile(con: duckdb.DuckDBPyConnection) -> None:
    """`person_profile`: how many persons have each size and each combination of registries.

    Each person's registries are a bit mask (one bit per registry, OR-ed over its records), named once per
    combination: a list of registry names per person took four times as long over a province's records (10 s
    against 2.7 s at 5.5 million persons)."""
    registries = [row[0] for row in con.execute("select distinct registry from cluster_keys order by 1").fetchall()]
    literals = [("'" + str(name).replace("'", "''") + "'") for name in registries]
    bits = " ".join(f"when {literal} then {1 << position}" for position, literal in enumerate(literals))
    con.execute(f"""
        create or replace table {PERSON_PROFILE} as
        with persons as (
            select count(*) as size, bit_or(case keys.registry {bits} else 0 end::bigint) as registry_mask
            from cluster_keys as keys
            left join cluster_assignment as assignment on keys.node_id = assignment.node_id
            group by coalesce(assignment.person_id, keys.node_id)
        )
        select
            size,
            array_to_string(list_filter([{", ".join(literals)}]::varchar[],
                lambda name, position: (registry_mask >> (position - 1)) & 1 = 1), '+') as registries,
            count(*) as persons
        from persons
        group by size, registry_mask
    """)


def cluster(con: duckdb.DuckDBPyConnection, nodes: str, links: str, threshold: float,
            limits: ClusterLimits = CLUSTER_LIMITS, household_threshold: float | None = None) -> dict[str, int]:
    """Build `person_clusters` (one row per record) and `person_profile` (persons by size and registries)
    in `con` from a `nodes` table (person_record_key, registry, source_table, record_id, and household_record_key
    for the household pass) and a `links` table (person_record_key_l, person_record_key_r, match_probability);
    components bigger than `limits.max_size` are split (see `_repair_oversized`).

    With `household_threshold`, links scored from it up to `threshold` also join their records when their two
    households are already joined through other members (`_household_edges`, reasons in settings.Thresholds);
    the persons they join are merged (`_join_households`) and what that makes too big is repaired in turn.

    The components are found on integer node ids, over the linked records only: Splink joins and groups every node
    on its id in each iteration, integers cost a fraction of the record keys, and a record with no link is a person
    of its own without any iteration. The ids are the row ids of `nodes` (a table, so that numbering a province's
    records costs no copy of them); each component is named by its smallest key after. No ORDER BY: nothing reads
    the persons in order, and sorting a province's records on two text keys cost a quarter of the stage.
    """
    con.execute(f"create or replace view cluster_keys as select rowid as node_id, * from {nodes}")
    con.execute(f"""
        create or replace table cluster_edges as
        select l.node_id as node_id_l, r.node_id as node_id_r, links.match_probability
        from {links} as links
        join cluster_keys as l on links.person_record_key_l = l.person_record_key
        join cluster_keys as r on links.person_record_key_r = r.person_record_key
        where links.match_probability >= {float(threshold)}
    """)
    con.execute("""
        create or replace table cluster_nodes as
        select node_id_l as node_id from cluster_edges union select node_id_r from cluster_edges
    """)
    _components(con, "cluster_nodes", "cluster_edges", threshold, "cluster_assignment")
    con.execute("alter table cluster_assignment add column split_from bigint")
    repaired = Counter(_repair_oversized(con, limits))
    household_links = 0
    if household_threshold is not None:
        household_links = _household_edges(con, links, household_threshold, threshold)
        if household_links:
            _join_households(con)
            repaired.update(_repair_oversized(con, limits))
        con.execute("drop table household_edges")
    con.execute(f"""
        create or replace table {PERSON_CLUSTERS} as
        with linked as (
            select assignment.*, keys.person_record_key
            from cluster_assignment as assignment
            join cluster_keys as keys on assignment.node_id = keys.node_id
        ),
        person_names as (
            select person_id as component, min(person_record_key) as person_id from linked group by person_id
        ),
        split_names as (
            select split_from as component, min(person_record_key) as split_from from linked
            where split_from is not null group by split_from
        )
        select
            coalesce(person_names.person_id, records.person_record_key) as person_id,
            records.person_record_key,
            records.registry,
            records.source_table,
            records.record_id,
            coalesce(linked.cluster_size, 1) as cluster_size,
            split_names.split_from
        from cluster_keys as records
        left join linked on records.node_id = linked.node_id
        left join person_names on linked.person_id = person_names.component
        left join split_names on linked.split_from = split_names.component
    """)
    _profile(con)
    con.execute("drop view cluster_keys")
    for table in ("cluster_nodes", "cluster_edges", "cluster_assignment"):
        con.execute(f"drop table {table}")
    records, persons, linked, largest = first_row(con, f"""
        select coalesce(sum(size * persons), 0), coalesce(sum(persons), 0),
            coalesce(sum(persons) filter (where size > 1), 0), coalesce(max(size), 0)
        from {PERSON_PROFILE}
    """)
    return {"records": records, "persons": persons, "persons_with_several_records": linked,
            "largest_cluster": largest, "household_links": household_links,
            "oversized_persons_found": repaired["oversized_persons_found"],
            "records_in_oversized_persons": repaired["records_in_oversized_persons"]}


def sanity(con: duckdb.DuckDBPyConnection, clusters: str, records: str, max_cluster_size: int) -> dict[str, int]:
    """Counts of suspicious persons: more records than `max_cluster_size` (none once repaired), records split out
    of oversized components, and persons whose records differ in sex AND birth year (one person's records may
    disagree on one of the two, rarely on both)."""
    oversized, mixed, multi, records_total, split = first_row(con, f"""
        with members as (
            select c.person_id, c.cluster_size, c.split_from, r.sex, year(r.birth_date) as birth_year
            from {clusters} as c
            join {records} as r on c.person_record_key = r.person_record_key
        ),
        persons as (
            select person_id, max(cluster_size) as size, count(*) as records, count(split_from) as split,
                count(distinct sex) > 1 and count(distinct birth_year) > 1 as mixed
            from members group by person_id
        )
        select count(*) filter (where size > {int(max_cluster_size)}), count(*) filter (where mixed),
            count(*) filter (where size > 1), coalesce(sum(records), 0), coalesce(sum(split), 0)
        from persons
    """)
    return {"oversized_persons": oversized, "mixed_sex_and_birth_year_persons": mixed,
            "persons_with_several_records": multi, "records": int(records_total),
            "records_split_from_oversized": int(split)}


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
