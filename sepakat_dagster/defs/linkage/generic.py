"""`sepakat link LEFT [RIGHT] --config mapping.yaml --out DIR`: link two person files, or dedupe one, of any layout.

The mapping YAML (mapping.py, docs/generic-linkage.md) says which column is the record id, the name, the birth
date and so on. Each file is read into DuckDB, standardised into the same roles (names through the dbt macro
normalise_name, the one name normalisation of the project), and linked with a Splink model built from the roles
both files have and trained on the input itself (unsupervised). Scored pairs and clusters are written as
Parquet or CSV.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from sepakat_dagster.defs.linkage import cluster, train
from sepakat_dagster.defs.linkage.mapping import FileLayout, Mapping
from sepakat_dagster.defs.linkage.records import DERIVED_KEYS, NAME_KEYS, connect, scalar
from sepakat_dagster.defs.linkage.settings import (
    birth_date_comparison,
    name_comparison,
    national_id_comparison,
    sex_comparison,
)
from sepakat_dagster.paths import DBT_PROJECT_DIR

NAME_MACRO = DBT_PROJECT_DIR / "macros" / "normalise_name.sql"
GENERIC_RECORDS = "generic_records"
# The command prints its own summary; Splink's notes on levels it could not train are expected on small files.
SPLINK_LOG_LEVEL = logging.ERROR


@functools.cache
def _name_macro() -> jinja2.runtime.Macro:
    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(NAME_MACRO.read_text("utf-8"))
    return template.module.normalise_name


def normalise_name_sql(expression: str) -> str:
    """The dbt macro normalise_name rendered with plain jinja2: a DuckDB expression over `expression`."""
    return str(_name_macro()(expression))


# ---- reading and standardising ----------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_file(con: duckdb.DuckDBPyConnection, path: Path, layout: FileLayout, table: str) -> int:
    """Read a CSV (every column as text) or Parquet file into `table`; the mapped columns must be there."""
    literal = str(path).replace("'", "''")
    if path.suffix.lower() in (".parquet", ".pq"):
        source = f"read_parquet('{literal}')"
    else:
        options = ["header = true", "all_varchar = true", f"encoding = '{layout.format.encoding}'"]
        if layout.format.delimiter:
            options.append("delim = '" + layout.format.delimiter.replace("'", "''") + "'")
        source = f"read_csv('{literal}', {', '.join(options)})"
    con.execute(f"create or replace table {table} as select * from {source}")
    present = {row[0] for row in con.execute(f"describe {table}").fetchall()}
    missing = sorted(layout.columns() - present)
    if missing:
        raise ValueError(f"{path.name}: the mapping names column(s) the file does not have: {', '.join(missing)}")
    return scalar(con, f"select count(*) from {table}")


def _text(column: str) -> str:
    return f"nullif(trim(cast({_quote(column)} as varchar)), '')"


def standardise_sql(raw: str, layout: FileLayout, source: str) -> str:
    """SELECT of the standard columns from a raw table read with `layout`."""
    if layout.full_name:
        name = _text(layout.full_name)
    else:
        name = "concat_ws(' ', " + ", ".join(_text(c) for c in (layout.given_name, layout.surname) if c) + ")"
    sex_cases = " ".join(f"when '{code.replace(chr(39), chr(39) * 2)}' then '{value}'"
                         for code, value in layout.sex.values.items()) if layout.sex else ""
    birth = layout.birth_date
    columns = {
        "unique_id": f"'{source}:' || {_text(layout.record_id)}",
        "source_dataset": f"'{source}'",
        "record_id": _text(layout.record_id),
        "name_normalised": normalise_name_sql(name),
        "birth_date": f"coalesce(try_strptime({_text(birth.column)}, '{birth.format}')::date, "
                      f"try_cast({_text(birth.column)} as date))" if birth else "null::date",
        "sex": f"case lower({_text(layout.sex.column)}) {sex_cases} end" if layout.sex else "null::varchar",
        "national_id": f"nullif(regexp_replace(upper({_text(layout.national_id)}), '[^0-9A-Z]', '', 'g'), '')"
        if layout.national_id else "null::varchar",
        "address_normalised": (
            "nullif(trim(regexp_replace(upper(strip_accents(concat_ws(' ', "
            + ", ".join(_text(c) for c in layout.address) + "))), '[^A-Z0-9]+', ' ', 'g')), '')"
        ) if layout.address else "null::varchar",
        "postcode": f"nullif(regexp_replace(upper({_text(layout.postcode)}), '[^0-9A-Z]', '', 'g'), '')"
        if layout.postcode else "null::varchar",
        "region_code": f"nullif(regexp_replace(upper({_text(layout.region_code.column)}), '[^0-9A-Z]', '', 'g'), '')"
        if layout.region_code else "null::varchar",
    }
    return "select " + ", ".join(f"{sql} as {name}" for name, sql in columns.items()) + f" from {raw}"


def prepare_sql(source: str) -> str:
    """The records Splink reads: the standardised columns plus the keys the registries' records carry (records.py),
    from the same SQL."""
    name_keys = ", ".join(f"{sql} as {name}" for name, sql in NAME_KEYS.items())
    derived = ", ".join(f"{sql} as {name}" for name, sql in DERIVED_KEYS.items())
    return f"""
        create or replace table {GENERIC_RECORDS} as
        select *, {derived} from (select *, {name_keys} from {source})
        order by unique_id
    """


# ---- the model from the roles ------------------------------------------------------------------------------------

# (name, SQL, roles it needs): candidate generation, kept to the rules whose roles both files have.
BLOCKING_CANDIDATES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("same_national_id", "l.national_id = r.national_id", frozenset({"national_id"})),
    ("birth_date_first_name", "l.birth_date = r.birth_date and l.first_name = r.first_name",
     frozenset({"birth_date"})),
    ("birth_date_last_name", "l.birth_date = r.birth_date and l.last_name = r.last_name", frozenset({"birth_date"})),
    ("birth_date_initial", "l.birth_date_key = r.birth_date_key and l.name_initial = r.name_initial",
     frozenset({"birth_date"})),
    ("birth_date_postcode", "l.birth_date_key = r.birth_date_key and l.postcode = r.postcode",
     frozenset({"birth_date", "postcode"})),
    ("birth_date_region", "l.birth_date_key = r.birth_date_key and l.region_code = r.region_code",
     frozenset({"birth_date", "region_code"})),
    ("name_birth_year", "l.name_tokens_sorted = r.name_tokens_sorted and l.birth_year = r.birth_year",
     frozenset({"birth_date"})),
    ("name_postcode", "l.name_tokens_sorted = r.name_tokens_sorted and l.postcode = r.postcode",
     frozenset({"postcode"})),
    ("name_region", "l.name_tokens_sorted = r.name_tokens_sorted and l.region_code = r.region_code",
     frozenset({"region_code"})),
    ("postcode_first_name", "l.postcode = r.postcode and l.first_name = r.first_name", frozenset({"postcode"})),
    ("postcode_last_name", "l.postcode = r.postcode and l.last_name = r.last_name", frozenset({"postcode"})),
    ("postcode_initial", "l.postcode = r.postcode and l.name_initial = r.name_initial", frozenset({"postcode"})),
)
# Without a birth date, postcode or region only the name is left to block on.
NAME_ONLY_RULE = ("same_name", "l.name_tokens_sorted = r.name_tokens_sorted", frozenset())


def blocking_rules(roles: frozenset[str]) -> list[tuple[str, str]]:
    rules = [(name, sql) for name, sql, needs in BLOCKING_CANDIDATES if needs <= roles]
    if not roles & {"birth_date", "postcode", "region_code"}:
        rules.append(NAME_ONLY_RULE[:2])
    return rules


def _exact_then(column: str, output_column_name: str, description: str,
                levels: list[tuple[str, str]]) -> cl.CustomComparison:
    """Null, exact, then `levels` ((SQL, label), best first), then all other: the shape of the comparisons for the
    roles the registries do not have."""
    return cl.CustomComparison(
        output_column_name=output_column_name,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            *[cll.CustomLevel(sql, label) for sql, label in levels],
            cll.ElseLevel(),
        ],
    )


def address_comparison() -> cl.CustomComparison:
    words_l, words_r = "string_split(address_normalised_l, ' ')", "string_split(address_normalised_r, ' ')"
    return _exact_then("address_normalised", "address", "address parts, normalised", [
        ("jaro_winkler_similarity(address_normalised_l, address_normalised_r) >= 0.9", "Jaro-Winkler >= 0.9"),
        (f"len(list_intersect({words_l}, {words_r})) * 2 >= least(len({words_l}), len({words_r}))",
         "half the words in common"),
    ])


def postcode_comparison() -> cl.CustomComparison:
    return _exact_then("postcode", "postcode", "postcode", [
        ("left(postcode_l, length(postcode_l) - 3) = left(postcode_r, length(postcode_r) - 3) "
         "and length(postcode_l) > 3", "same district (all but the last three characters)"),
    ])


def region_comparison(levels: tuple[int, ...]) -> cl.CustomComparison:
    return _exact_then("region_code", "region", "region code, then its leading digits", [
        (f"left(region_code_l, {n}) = left(region_code_r, {n})", f"first {n} characters") for n in levels
    ])


def generic_settings(mapping: Mapping, link_type: str) -> SettingsCreator:
    """The untrained model: the registries' comparisons (settings.py) for the roles both files have, and
    address, postcode and region comparisons for the roles the registries do not have."""
    roles = mapping.roles
    comparisons = [name_comparison(token_in_common=True)]
    if "birth_date" in roles:
        comparisons.append(birth_date_comparison(from_nik=None))
    if "sex" in roles:
        comparisons.append(sex_comparison())
    if "national_id" in roles:
        comparisons.append(national_id_comparison("national_id"))
    if "address" in roles:
        comparisons.append(address_comparison())
    if "postcode" in roles:
        comparisons.append(postcode_comparison())
    if "region_code" in roles:
        levels = tuple(n for n in mapping.left.region_code.levels if n in mapping.right.region_code.levels)
        comparisons.append(region_comparison(levels))
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_dataset",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[sql for _, sql in blocking_rules(roles)],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )


# ---- linking -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkSummary:
    records: dict[str, int]
    comparisons: int
    pairs: int  # scored pairs at or above the match threshold
    clusters: int  # clusters of two or more records
    clusters_across_files: int
    pairs_path: Path
    clusters_path: Path
    model_path: Path

    def describe(self) -> str:
        if len(self.records) > 1:
            done = "Linked " + " and ".join(f"{n:,} {side} records" for side, n in self.records.items())
            across = f" ({self.clusters_across_files:,} spanning both files)"
        else:
            done, across = f"Deduplicated {sum(self.records.values()):,} records", ""
        return (f"{done}: {self.comparisons:,} comparisons, {self.pairs:,} pairs at or above the match "
                f"threshold, {self.clusters:,} clusters of two or more records{across}\n"
                f"  pairs:    {self.pairs_path}\n  clusters: {self.clusters_path}\n  model:    {self.model_path}")


def _rules_with_pairs(con: duckdb.DuckDBPyConnection, rules: list, link_type: str) -> tuple:
    """The rules that give at least one pair: expectation maximisation cannot learn from a rule with none (a small
    file where no two records share a birth date, say)."""
    records = DuckDBAPI(con).register(GENERIC_RECORDS)
    return tuple(rule for rule in rules if count_comparisons_from_blocking_rules(
        records, blocking_rules=rule, link_type=link_type, source_dataset_column_name="source_dataset",
        record_sample_proportion=1.0)[0]["cumulative_comparison_count"])


def trained_settings(con: duckdb.DuckDBPyConnection, mapping: Mapping, link_type: str, records: int) -> dict:
    """The model trained on the input (train.fit, unsupervised), m floored as for the registries' model.

    Nobody has measured the input, so no recall is known for any rule: expectation maximisation starts from the
    prior of exact agreement (name and birth date, or the national id) at an assumed 80 % recall, or from one
    match among all pairs when those rules match nothing, and its sessions then estimate the prior themselves.
    With the rules' prior alone the scores came out too low: on FEBRL the best threshold was below 0.1, and pairs
    a clerk would link stayed under 0.95.
    """
    roles, options = mapping.roles, mapping.options
    prior = ["l.name_normalised = r.name_normalised and l.birth_date = r.birth_date"] if "birth_date" in roles \
        else ["l.name_normalised = r.name_normalised"]
    if "national_id" in roles:
        prior.append("l.national_id = r.national_id")
    sessions = [block_on("birth_date")] if "birth_date" in roles else []
    sessions.append(block_on("name_normalised"))
    if "national_id" in roles:
        sessions.append(block_on("national_id"))
    pairs = max(records * (records - 1) / 2, 1)
    linker = train.fit(
        con, generic_settings(mapping, link_type), table=GENERIC_RECORDS, prior_rules=tuple(prior), prior_recall=0.8,
        em_rules=_rules_with_pairs(con, sessions, link_type),
        u_max_pairs=min(options.u_max_pairs, pairs), seed=options.seed, prior_fallback=1 / pairs, prior_from_em=True,
        log_level=SPLINK_LOG_LEVEL)
    return train.floor_m_probabilities(linker.misc.save_model_to_json(), u_max_pairs=options.u_max_pairs)


def _load(con: duckdb.DuckDBPyConnection, left: Path, right: Path | None, mapping: Mapping) -> dict[str, int]:
    """Read and standardise the files into the prepared records; returns records per file."""
    counts = {"left": read_file(con, left, mapping.left, "raw_left")}
    parts = [standardise_sql("raw_left", mapping.left, "left")]
    if right is not None:
        counts["right"] = read_file(con, right, mapping.right, "raw_right")
        parts.append(standardise_sql("raw_right", mapping.right, "right"))
    con.execute(f"create or replace table standardised as {' union all '.join(parts)}")
    con.execute(prepare_sql("standardised"))
    duplicates = scalar(con, f"select count(*) - count(distinct unique_id) from {GENERIC_RECORDS}")
    if duplicates:
        raise ValueError(f"{duplicates} record ids occur more than once in one file: record_id must be unique")
    return counts


def _score(con: duckdb.DuckDBPyConnection, linker: Linker, rules: list[tuple[str, str]], store: float) -> int:
    """`pairs`: the scored pairs at or above `store`, with record ids and the name of the rule that found them,
    keyed for cluster.cluster. Returns the number of comparisons."""
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    comparisons = scalar(con, f"select count(*) from {blocked.physical_name}")
    predictions = linker.inference.predict(threshold_match_probability=store, warning_mode="never")
    rule_case = " ".join(f"when '{i}' then '{name}'" for i, (name, _) in enumerate(rules))
    con.execute(f"""
        create or replace table pairs as
        select
            l.source_dataset as source_l, l.record_id as record_id_l,
            r.source_dataset as source_r, r.record_id as record_id_r,
            p.match_weight, p.match_probability,
            case p.match_key {rule_case} end as match_key,
            least(p.unique_id_l, p.unique_id_r) as person_record_key_l,
            greatest(p.unique_id_l, p.unique_id_r) as person_record_key_r
        from {predictions.physical_name} as p
        join {GENERIC_RECORDS} as l on p.unique_id_l = l.unique_id
        join {GENERIC_RECORDS} as r on p.unique_id_r = r.unique_id
        order by p.match_probability desc, person_record_key_l, person_record_key_r
    """)
    return comparisons


def _write(con: duckdb.DuckDBPyConnection, out_dir: Path, output_format: str) -> tuple[Path, Path]:
    """Write the pairs and the clusters (cluster.PERSON_CLUSTERS) to `out_dir`; returns their paths."""
    suffix = "csv" if output_format == "csv" else "parquet"
    pairs_path, clusters_path = out_dir / f"pairs.{suffix}", out_dir / f"clusters.{suffix}"
    copy_format = "(header, delimiter ',')" if suffix == "csv" else "(format parquet)"
    con.execute(f"""
        copy (select * exclude (person_record_key_l, person_record_key_r) from pairs)
        to '{str(pairs_path).replace("'", "''")}' {copy_format}
    """)
    con.execute(f"""
        copy (
            select person_id as cluster_id, registry as source, record_id, cluster_size
            from {cluster.PERSON_CLUSTERS}
            order by cluster_id, source, record_id
        ) to '{str(clusters_path).replace("'", "''")}' {copy_format}
    """)
    return pairs_path, clusters_path


def link_files(left: Path, right: Path | None, mapping: Mapping, out_dir: Path,
               model: Path | None = None) -> LinkSummary:
    """Link `left` with `right` (or dedupe `left` alone), write pairs, clusters and the trained model."""
    for path in (left, right, model):
        if path is not None and not Path(path).is_file():
            raise FileNotFoundError(f"no such file: {path}")
    out_dir.mkdir(parents=True, exist_ok=True)
    options = mapping.options
    link_type = "dedupe_only" if right is None else \
        "link_and_dedupe" if options.dedupe_within_files else "link_only"
    con = connect()
    try:
        counts = _load(con, left, right, mapping)
        model_path = out_dir / "model.json"
        settings = str(model) if model is not None else trained_settings(con, mapping, link_type,
                                                                         sum(counts.values()))
        linker = Linker(DuckDBAPI(con).register(GENERIC_RECORDS), settings, log_level=SPLINK_LOG_LEVEL)
        linker.misc.save_model_to_json(str(model_path), overwrite=True)
        comparisons = _score(con, linker, blocking_rules(mapping.roles), options.store_threshold)
        con.execute(f"""
            create or replace table nodes as
            select unique_id as person_record_key, source_dataset as registry, source_dataset as source_table,
                record_id
            from {GENERIC_RECORDS}
        """)
        cluster.cluster(con, "nodes", "pairs", options.match_threshold)
        pairs_path, clusters_path = _write(con, out_dir, mapping.output_format)
        matched_pairs = scalar(con, f"select count(*) from pairs where match_probability >= {options.match_threshold}")
        clusters, across = con.execute(f"""
            select count(*), count(*) filter (where sources > 1) from (
                select person_id, count(distinct registry) as sources from {cluster.PERSON_CLUSTERS}
                where cluster_size > 1 group by person_id
            )
        """).fetchall()[0]
    finally:
        con.close()
    return LinkSummary(counts, comparisons, matched_pairs, clusters, across, pairs_path, clusters_path, model_path)
