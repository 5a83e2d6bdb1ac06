"""One dbt project for two engines (DuckDB today, Spark next): the models and the project's macros write no
engine-specific SQL themselves; every such idiom goes through a dispatch macro in dbt_project/macros/engine/ with a
`duckdb__` and a `spark__` body, or through dbt's cross-database macros (docs/harmonisation.md, "SQL that runs on
both engines"). This lint reads the SQL text only (no dbt, no database), so it fails fast and names file:line and
the macro to use instead."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sepakat_dagster.paths import DBT_PROJECT_DIR

ENGINE_MACROS = DBT_PROJECT_DIR / "macros" / "engine"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str  # searched, case-insensitive, in the SQL with Jinja, comments and string literals blanked
    instead: str


# The forbidden list, in one place: DuckDB forms with no Spark equivalent of the same name and meaning (see STACK's
# Spark section). Forms that are the same on both engines (array_sort, array_contains, array_agg, string_agg, ::,
# QUALIFY, * EXCEPT, count(*) FILTER, ...) are not listed.
RULES = (
    Rule("regexp_full_match", r"\bregexp_(full_match|matches)\s*\(", "regex_full_match()"),
    Rule("regexp_replace", r"\bregexp_replace\s*\(",
         "a new macro in macros/engine/regex.sql (DuckDB replaces the first match unless 'g', Spark every match)"),
    Rule("regexp_extract", r"\bregexp_extract(_all)?\s*\(", "a new macro in macros/engine/regex.sql"),
    Rule("strptime", r"\b(try_)?strptime\s*\(", "try_parse_date()"),
    Rule("strftime", r"\bstrftime\s*\(", "a new macro in macros/engine/dates.sql (Spark: date_format)"),
    Rule("date_diff", r"\bdate_?diff\s*\(", "dbt.datediff()"),
    Rule("epoch", r"\bepoch(_ms|_us|_ns)?\s*\(", "a new macro in macros/engine/dates.sql (Spark: unix_seconds)"),
    Rule("today", r"\btoday\s*\(", "current_date"),
    Rule("string_split", r"\b(string_split|str_split|string_to_array)\s*\(", "split_to_list()"),
    Rule("list function", r"\blist_[a-z_]+\s*\(",
         "list_element(), list_length(), list_distinct(), list_has_any(), list_filter(), list_join(); "
         "array_sort() and array_contains() are the same on both engines"),
    Rule("list aggregate", r"\blist\s*\(", "array_agg()"),
    Rule("array_to_string", r"\barray_to_string\s*\(", "list_join()"),
    Rule("array_distinct", r"\barray_distinct\s*\(", "list_distinct() (Spark keeps one NULL, DuckDB none)"),
    Rule("unnest", r"\bunnest\s*\(", "unnest_list()"),
    Rule("lambda", r"\blambda\b|->", "list_filter() (DuckDB 2.0 takes `lambda x:`, Spark only `x ->`)"),
    Rule("len", r"\blen\s*\(", "list_length()"),
    Rule("list literal or index", r"[\[\]]", "list_of() for a literal, list_element() for an index"),
    Rule("struct or map literal", r"[{}]|\bstruct_pack\s*\(", "struct_of()"),
    Rule("varchar", r"\bvarchar\b|\bas\s+text\b|::\s*text\b", "dbt.type_string()"),
    Rule("DuckDB-only type", r"\b(hugeint|uhugeint|ubigint|uinteger|usmallint|utinyint|bitstring|blob)\b|::\s*bit\b",
         "a type both engines have (bigint, decimal(p, s), binary through a macro)"),
    Rule("columns()", r"\bcolumns\s*\(", "columns_with_prefix()"),
    Rule("exclude", r"\bexclude\s*\(", "* except (...), the same on both engines"),
    Rule("pivot", r"\b(un)?pivot\b", "unpivot()"),
    Rule("arg_min/arg_max", r"\barg_(min|max)(_null)?\s*\(", "min_by() / max_by()"),
    Rule("json", r"\bjson_[a-z_]+\s*\(|->>", "json_is_valid(), json_text()"),
    Rule("strip_accents", r"\bstrip_accents\s*\(", "a new macro (Spark has no accent folding)"),
    Rule("getvariable", r"\bgetvariable\s*\(", "a new macro (Spark: a session variable)"),
    Rule("bit functions", r"\bxor\s*\(|\bencode\s*\(|\bsha256\s*\(",
         "a new macro (Spark: ^ on integers, encode(s, 'UTF-8'), sha2(s, 256))"),
    Rule("range", r"\b(range|generate_series)\s*\(", "a new macro (Spark: sequence() and explode())"),
    Rule("hash", r"\bhash\s*\(", "dbt.hash()"),
    Rule("integer division", r"//", "a new macro (Spark: div)"),
    Rule("starts_with", r"\bstarts_with\s*\(", "left(x, n) = '...' or like '...%'"),
)

# Offences kept on purpose for now, each with why, by file (relative to the dbt project) and rule name. The Spark
# target (the next increment) removes them; test_every_allowance_is_still_needed keeps the list honest.
ALLOWED = {
    "macros/normalise_name.sql": (
        {"regexp_replace", "strip_accents", "string_split", "list function", "array_to_string", "lambda", "varchar"},
        "rendered with plain jinja2 by `sepakat link` too (one implementation of name normalisation), where "
        "adapter.dispatch does not exist; it gets an engine argument with the Spark target",
    ),
    "macros/pseudonymise.sql": (
        {"getvariable", "bit functions", "DuckDB-only type"},
        "HMAC-SHA256 built from DuckDB's bit-string xor and a session variable holding the key; Spark has neither "
        "(its form, a keyed UDF or sha2 over an xor of bytes, comes with the Spark target)",
    ),
    "macros/disclosure.sql": (
        {"exclude"},
        "`* exclude (...) replace (...)`: Spark has EXCEPT but no REPLACE star modifier, so the suppression's "
        "final select needs its column list, which comes with the Spark target",
    ),
}

# Jinja comments, statements and expressions (a macro call is what the lint asks for).
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
# SQL comments and string literals (a regex like '[0-9]{16}' is data, not syntax).
_COMMENTS_AND_STRINGS = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'", re.DOTALL)


def _blank(match: re.Match) -> str:
    """The match as spaces with its newlines kept, so that line numbers hold."""
    return re.sub(r"[^\n]", " ", match.group(0))


def sql_text(source: str) -> str:
    """What the engine will read of a model or macro file that the file itself writes: Jinja, comments and string
    literals blanked. Jinja first, so that a string literal around a Jinja expression is blanked whole."""
    return _COMMENTS_AND_STRINGS.sub(_blank, _JINJA.sub(_blank, source))


def offences(source: str) -> list[tuple[int, Rule]]:
    """(line, rule) for every raw engine-specific form in a file's text."""
    text = sql_text(source)
    found = []
    for rule in RULES:
        for match in re.finditer(rule.pattern, text, flags=re.IGNORECASE):
            found.append((text.count("\n", 0, match.start()) + 1, rule))
    return sorted(found, key=lambda item: (item[0], item[1].name))


def scanned_files() -> list[Path]:
    """The models and the project's macros, except the engine macros whose bodies are the engine-specific forms."""
    files = sorted((DBT_PROJECT_DIR / "models").rglob("*.sql")) + sorted((DBT_PROJECT_DIR / "macros").rglob("*.sql"))
    return [path for path in files if ENGINE_MACROS not in path.parents]


def project_offences() -> list[tuple[str, int, Rule]]:
    """Every offence in the project, allowed ones included."""
    return [(path.relative_to(DBT_PROJECT_DIR).as_posix(), line, rule)
            for path in scanned_files() for line, rule in offences(path.read_text(encoding="utf-8"))]


def test_models_and_macros_write_no_engine_specific_sql():
    unexpected = [f"dbt_project/{file}:{line}: raw {rule.name}; use {rule.instead}"
                  for file, line, rule in project_offences() if rule.name not in ALLOWED.get(file, (set(),))[0]]
    assert not unexpected, "engine-specific SQL outside macros/engine/:\n" + "\n".join(unexpected)


def test_every_allowance_is_still_needed():
    present = {(file, rule.name) for file, _, rule in project_offences()}
    stale = [(file, name) for file, (names, _) in ALLOWED.items() for name in names if (file, name) not in present]
    assert not stale, f"allowed offences that no longer occur (remove them from ALLOWED): {stale}"


def test_the_checker_catches_planted_duckdb_idioms_and_ignores_jinja_comments_and_strings():
    planted = """select
    -- regexp_full_match(x, 'a') in a comment is fine
    {{ regex_full_match('nik', '[0-9]{16}') }} as ok,
    'string_split(a, b) [1] {x}' as a_string,
    cast(x as varchar) as name,
    name_tokens[1] as first_name,
    list_filter(l, lambda t: t is not null) as kept,
    {'a': 1} as s,
    arg_min(a, (b, c)) as m
from {{ ref('x') }}
"""
    found = [(line, rule.name) for line, rule in offences(planted)]
    assert found == [
        (5, "varchar"),
        (6, "list literal or index"), (6, "list literal or index"),
        (7, "lambda"), (7, "list function"),
        (8, "struct or map literal"), (8, "struct or map literal"),
        (9, "arg_min/arg_max"),
    ]


def _macro_names(path: Path) -> list[str]:
    return re.findall(r"\{%-?\s*macro\s+(\w+)\s*\(", path.read_text(encoding="utf-8"))


def test_every_dispatch_macro_has_a_duckdb_and_a_spark_body():
    names = [name for path in sorted(ENGINE_MACROS.glob("*.sql")) for name in _macro_names(path)]
    dispatched = [name for path in sorted(ENGINE_MACROS.glob("*.sql"))
                  for name in re.findall(r"adapter\.dispatch\('(\w+)', 'sepakat'\)", path.read_text(encoding="utf-8"))]
    assert dispatched, "no dispatch macro found in macros/engine/"
    engine_bodies = {name.split("__", 1)[1] for name in names if name.startswith(("duckdb__", "spark__"))}
    missing = [f"{engine}__{name}" for name in sorted(set(dispatched) | engine_bodies)
               for engine in ("duckdb", "spark") if f"{engine}__{name}" not in names]
    assert not missing, f"dispatch macros without an engine body: {missing}"
    assert not [name for name in dispatched if name not in names], "a dispatch names a macro that does not exist"
