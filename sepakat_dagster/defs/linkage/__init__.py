"""Linkage stage (group `linkage`): find each person across Regsosek, DTKS and P3KE with a saved Splink model, and
link any two person files (`sepakat link`) with the same machinery.

The Dagster definitions: `assets` (the linkage assets and their checks), `resources` (the trained model and the
ground truth) and `training` (the job that trains a new model version). The stages they call are separate modules,
each a small function over DuckDB tables:

- `records`: the harmonised person records (dbt's int_persons) copied into Splink's own in-memory DuckDB;
- `deterministic`: links on a valid, consistent and unambiguous NIK;
- `settings`: the model as data (blocking rules, comparisons, thresholds);
- `train` / `model`: train the Splink model and save or load it as a versioned model.json with a card (in `models/`);
- `predict`, `cluster`, `review`: score pairs, cluster them into persons, queue uncertain pairs for clerks;
- `pipeline`: those stages over a warehouse file, one function per linkage asset;
- `evaluate`: precision, recall and F1 against the generator's ground truth (the only code that reads truth/);
- `generic`: the same machinery for any two person files described by a mapping YAML (`mapping`).
"""
