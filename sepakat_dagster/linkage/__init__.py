"""Record linkage of person records across Regsosek, DTKS and P3KE (and any two files, `sepakat link`).

The stages are separate modules, each a small function over DuckDB tables:

- `records`: the harmonised person records (dbt's int_persons) copied into Splink's own in-memory DuckDB;
- `deterministic`: links on a valid, consistent and unambiguous NIK;
- `settings`: the model as data (blocking rules, comparisons, thresholds);
- `train` / `model`: train the Splink model and save or load it as a versioned model.json with a card;
- `predict`, `cluster`, `review`: score pairs, cluster them into persons, queue uncertain pairs for clerks;
- `evaluate`: precision, recall and F1 against the generator's ground truth (the only code that reads truth/);
- `generic`: the same machinery for any two person files described by a mapping YAML.
"""
