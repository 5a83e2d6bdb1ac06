"""Reports stage (group `reports`): the quality and lineage report asset, with `evidence` (what it reads from
Dagster) and `report` (the HTML), and `summary`, the text summary `sepakat summary` and `make demo` print."""
