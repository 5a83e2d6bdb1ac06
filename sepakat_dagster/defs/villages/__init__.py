"""Villages stage: the answers to village proposals (Musdes/Muskel, SID) sent back to each village as feedback files
for its village information system (SID), downstream of the dbt model that decides them.

The answers and the data-update scorecard are dbt models (dbt_project/models/intermediate/marts/
int_marts_village_proposal_answers.sql, int_marts_village_data_updates.sql and the marts village_proposal_counts,
village_data_update_scorecard, regency_data_update_scorecard), whose rules are seeds (dbt_project/seeds/villages/).
Here: `assets` (the Dagster definition) and `feedback`, which writes one CSV and one JSON file per village, in the
layout `feedback.schema.json` declares (docs/villages.md)."""
