"""Which tables may leave the warehouse (forum report, Dagster previews, run-history snapshots), and how they are
protected: read from the one declaration, never restated.

The declaration is `config.meta.disclosure` in each dbt model's yml (docs/marts.md, "Disclosure"):

    publishable: true
    suppression: cell | row
    count_columns: [...]
    complements: {part: whole}      (optional)
    derived_columns: [...]          (optional, row suppression)
    totals: [{name, members, by, total}, ...]

and the threshold is the dbt var `min_cell_count` (dbt_project.yml), the one number the SQL
(macros/disclosure.sql) suppresses with. A model without `publishable: true` is internal: only its row count may be
shown. The dbt tag `published` is the same fact for dbt's selectors; a model with one and not the other is refused
here, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sepakat_dagster.paths import DBT_PROJECT_DIR

PUBLISHED_TAG = "published"
SUPPRESSION_KINDS = ("cell", "row")


class DisclosureDeclarationError(ValueError):
    """A model's disclosure declaration is missing a part, names an unknown column or contradicts its tags."""


@dataclass(frozen=True)
class Total:
    """A linear identity the table shows within its rows: in each group of `by` among the `members` rows, the row
    where `total` holds is the sum of the others. SQL expressions over the table's columns."""

    name: str
    members: str
    by: tuple[str, ...]
    total: str


@dataclass(frozen=True)
class PublishableTable:
    name: str  # the dbt model
    relation: str  # schema.table in the warehouse
    min_cell: int  # counts from 1 to min_cell - 1 are never shown
    suppression: str  # "cell": each count withheld on its own; "row": a row's counts go together
    count_columns: tuple[str, ...]
    complements: Mapping[str, str] = field(default_factory=dict)  # part -> whole: whole - part is a count too
    derived_columns: tuple[str, ...] = ()  # withheld with the counts (row suppression)
    totals: tuple[Total, ...] = ()

    @property
    def withheld_columns(self) -> tuple[str, ...]:
        """The columns that are NULL where the table suppresses a cell."""
        return self.count_columns + self.derived_columns


def min_cell_count(project_dir: Path = DBT_PROJECT_DIR) -> int:
    """The threshold, as dbt reads it: the var `min_cell_count` of dbt_project.yml."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    return int(project["vars"]["min_cell_count"])


def _declaration(node: Mapping[str, Any]) -> Mapping[str, Any]:
    return ((node.get("config") or {}).get("meta") or {}).get("disclosure") or {}


def is_publishable(node: Mapping[str, Any]) -> bool:
    """Whether a manifest node (model or seed) is declared publishable; refuses a tag/declaration mismatch."""
    declared = bool(_declaration(node).get("publishable"))
    tagged = PUBLISHED_TAG in (node.get("tags") or [])
    if declared != tagged:
        raise DisclosureDeclarationError(
            f"{node.get('name')}: tag '{PUBLISHED_TAG}' {'without' if tagged else 'missing beside'} "
            "config.meta.disclosure.publishable: true (both or neither; docs/marts.md, Disclosure)")
    return declared


def _table(node: Mapping[str, Any], min_cell: int) -> PublishableTable:
    declared = _declaration(node)
    name = node["name"]
    counts = tuple(declared.get("count_columns") or ())
    suppression = declared.get("suppression", "cell")
    if not counts:
        raise DisclosureDeclarationError(f"{name}: a publishable table declares its count_columns")
    if suppression not in SUPPRESSION_KINDS:
        raise DisclosureDeclarationError(f"{name}: suppression is one of {SUPPRESSION_KINDS}, not {suppression!r}")
    totals = []
    for total in declared.get("totals") or ():
        missing = {"name", "members", "by", "total"} - set(total)
        if missing:
            raise DisclosureDeclarationError(f"{name}: total {total.get('name')} lacks {sorted(missing)}")
        totals.append(Total(total["name"], total["members"], tuple(total["by"]), total["total"]))
    complements = dict(declared.get("complements") or {})
    documented = set(node.get("columns") or {})
    named = set(counts) | set(complements) | set(complements.values()) | set(declared.get("derived_columns") or ())
    named |= {column for total in totals for column in total.by}
    if documented and named - documented:
        raise DisclosureDeclarationError(f"{name}: the declaration names columns the model does not have: "
                                         f"{sorted(named - documented)}")
    return PublishableTable(
        name=name,
        relation=f"{node['schema']}.{node.get('alias') or name}",
        min_cell=min_cell,
        suppression=suppression,
        count_columns=counts,
        complements=complements,
        derived_columns=tuple(declared.get("derived_columns") or ()),
        totals=tuple(totals),
    )


def _load(manifest: Mapping[str, Any] | Path | None) -> Mapping[str, Any]:
    if manifest is None:
        from sepakat_dagster.defs.dbt.project import sepakat_dbt_project

        manifest = sepakat_dbt_project().manifest_path
    if isinstance(manifest, Path):
        return json.loads(manifest.read_text(encoding="utf-8"))
    return manifest


def publishable_tables(manifest: Mapping[str, Any] | Path | None = None,
                       min_cell: int | None = None) -> tuple[PublishableTable, ...]:
    """Every publishable table of the dbt project, by relation name; `manifest` is dbt's manifest (a dict or its
    path; default the project's target/manifest.json). Everything else in the warehouse is internal."""
    nodes = _load(manifest)["nodes"].values()
    threshold = min_cell_count() if min_cell is None else min_cell
    return tuple(sorted((_table(node, threshold) for node in nodes
                         if node.get("resource_type") in ("model", "seed") and is_publishable(node)),
                        key=lambda table: table.relation))


@functools.cache
def _default_relations() -> frozenset[str]:
    return frozenset(table.relation for table in publishable_tables())


def publishable_relations(manifest: Mapping[str, Any] | Path | None = None) -> frozenset[str]:
    """The `schema.table` names that may be shown outside the warehouse."""
    if manifest is None:
        return _default_relations()
    return frozenset(table.relation for table in publishable_tables(manifest))


def _withheld(table: PublishableTable, column: str) -> str:
    """SQL: the cell of `column` (a count) is withheld in this row."""
    return "suppressed" if table.suppression == "row" else f"{column} is null"


def violations(con, table: PublishableTable) -> list[str]:
    """What a reader of the published `table` could learn below the threshold, as the SQL leaves it: a shown count
    (or complement, whole - part) from 1 to min_cell - 1; a withheld cell that is alone in a declared total's group,
    so the total minus the others gives it; a total whose withheld parts add up to a small count. Empty when the
    table is safe to publish. `con` is a DuckDB connection to the warehouse."""
    k = table.min_cell
    found = []
    figures = [(c, c) for c in table.count_columns]
    figures += [(part, f"({whole} - {part})") for part, whole in table.complements.items()]
    for _, figure in figures:
        (small,) = con.execute(f"select count(*) from {table.relation} "
                               f"where {figure} between 1 and {k - 1}").fetchone()
        if small:
            found.append(f"{table.relation}: {small} rows show {figure} from 1 to {k - 1}")
    for total in table.totals:
        group = ", ".join(total.by)
        for column, figure in figures:
            withheld = _withheld(table, column)
            sums = ("sum(" + figure + ") filter (where (" + total.total + ")) - sum(" + figure + ") filter (where not ("
                    + total.total + ") and not (" + withheld + "))")
            (alone, revealed) = con.execute(f"""
                select count(*) filter (where withheld = 1),
                       count(*) filter (where total_shown and withheld > 0 and revealed between 1 and {k - 1})
                from (
                    select count(*) filter (where {withheld}) as withheld,
                           bool_or(({total.total}) and not ({withheld})) as total_shown,
                           {sums} as revealed
                    from {table.relation}
                    where coalesce({total.members}, false)
                    group by {group}
                )
            """).fetchone()
            if alone:
                found.append(f"{table.relation}: {alone} groups of {total.name} withhold one {figure} only: the "
                             "total minus the others gives it")
            if revealed:
                found.append(f"{table.relation}: {revealed} groups of {total.name} withhold {figure} cells adding up "
                             f"to 1 to {k - 1}: the total minus the shown parts gives that small sum")
    return found
