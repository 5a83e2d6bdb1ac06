"""Which columns are personal: the one answer the gates, the dbt previews and the gate reports all ask for.

A column is personal when it holds, or could be built from, a person's NIK, KK number, name, address (down to the
RT and RW), birth date, phone or geotag, or is free text or a key that may repeat one of them. A gate allows only
count-type expectations on a personal column and withholds its observed values; a dbt preview leaves it out.

The answer depends on the column's name only, so it is the same in a raw table, a dbt model, a linkage table or
a suite. It has two inputs, one per vocabulary, and each name is decided in the input of the vocabulary it belongs
to (a few words, such as `nik`, `rt` or `latitude`, belong to both):

- a source's own names (`nama`, `alamat`, `tgl_lahir`, ...) are marked `personal: true` in the source catalogue
  (sources/catalog.yml), beside the rest of what that source delivers: a new source declares its personal
  columns where it is declared, and the loader's preview reads the same flag;
- the pipeline's own names (dbt models, the linkage's `_l`/`_r` pairs, the loader's quarantine) follow
  `PIPELINE_NAMES` below. A pattern rather than a `meta: {personal: true}` on each dbt column: the harmonised
  names are shared by dozens of models and the linkage and the loader write tables dbt never sees, so a tag
  would be repeated per model and table, and a forgotten one would show a person; a pattern catches a new
  model's `full_name` or `person_key` with nothing to remember.

Too broad is safe: a personal column only narrows the expectations allowed and the columns previewed.
"""

from __future__ import annotations

import functools
import re

from sepakat_dagster.defs.sources.catalog import load_catalog

PIPELINE_NAMES = re.compile(
    # A person's identity in the harmonised names: NIK, KK number, any name, address, RT/RW, birth date, phone,
    # coordinates.
    r"nik|kk_number|\w*name\w*|address|rt|rw|\w*birth_date|\w*phone\w*|latitude|longitude"
    # Free text and corrected values, which may repeat any of them; the quarantine keeps a rejected line whole.
    r"|value_before|value_after|remarks|raw_line"
    # Keys and record ids, which can be built from a NIK or KK (`nik:5301...`) whatever the column is called.
    r"|.*_key|.*_ids?|id_.*"
)
# Splink compares a record's column with its candidate's as `<column>_l` and `<column>_r`.
PAIR_SUFFIX = re.compile(r"_[lr]$")


@functools.cache
def catalogue_names() -> frozenset[str]:
    """Every column name a source in the catalogue marks `personal: true`."""
    return frozenset(c.name for source in load_catalog().values() for c in source.columns if c.personal)


def is_personal_column(name: str) -> bool:
    """True when the column named `name` could show a person, wherever it is."""
    return any(n in catalogue_names() or PIPELINE_NAMES.fullmatch(n) for n in (name, PAIR_SUFFIX.sub("", name)))
