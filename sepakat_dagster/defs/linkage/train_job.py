"""Training on demand: the `train_person_model` job writes a new version of the person model with its charts.

The model is an external asset (`linkage/person_model`, a file in the repository) rather than a materialisable
one, so that the nightly `refresh` job, which selects every asset, can never retrain it: only this job writes it,
and it reports the new version as a materialisation of that asset.
"""

from pathlib import Path

import dagster as dg

from sepakat_dagster.defs.linkage import deterministic, records, train
from sepakat_dagster.defs.linkage.assets import INT_PERSONS_KEY, PERSON_MODEL_KEY
from sepakat_dagster.defs.linkage.resources import PersonModel
from sepakat_dagster.defs.linkage.settings import U_MAX_PAIRS
from sepakat_dagster.defs.metadata import markdown_table
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.paths import DEMO_PROVINCE

person_model = dg.AssetSpec(
    key=PERSON_MODEL_KEY,
    deps=[INT_PERSONS_KEY],
    group_name="linkage",
    kinds={"splink", "json"},
    owners=["team:sepakat-data"],
    description="The trained Splink person model (sepakat_dagster/defs/linkage/models/person_model.json, "
    "versioned, with its card and charts); written only by the train_person_model job.",
)


class TrainingConfig(dg.Config):
    trained_on: str = "the person records in the warehouse"  # recorded in the model card
    u_max_pairs: float = U_MAX_PAIRS  # random pairs for the u probabilities
    province: str = DEMO_PROVINCE  # whose published warehouse to train on (one province is enough to estimate m, u)


@dg.op(pool="duckdb", description="Train the person model on intermediate.int_persons and save a new version.")
def fit_person_model(context: dg.OpExecutionContext, config: TrainingConfig, warehouse: Warehouse,
                     person_model: PersonModel) -> None:
    con = records.connect()
    try:
        # Trained on the published warehouse, read only: training writes a model file, never the warehouse.
        count = records.copy_from_warehouse(con, warehouse.for_province(config.province))
        deterministic.link_on_nik(con)  # the prepared records carry the columns the prediction rules name
        result = train.train(con, Path(person_model.path), {"description": config.trained_on, "records": count},
                             u_max_pairs=config.u_max_pairs)
    finally:
        con.close()
    weights = [{"comparison": comparison, "level": level, "match_weight": weight}
               for comparison, levels in result.card.training_summary["match_weights"].items()
               for level, weight in levels.items()]
    context.log_event(dg.AssetMaterialization(
        asset_key=PERSON_MODEL_KEY,
        description=f"{result.card.label} trained on {count:,} records",
        metadata={
            "model_version": result.card.label,
            "path": str(result.model_path),
            "sha256": result.card.sha256,
            "training_records": count,
            "probability_two_random_records_match": result.card.probability_two_random_records_match,
            "charts": str(result.charts),
            "match_weights": dg.MetadataValue.md(markdown_table(weights)),
        },
    ))


@dg.job(description="Train the person linkage model on the current person records and save a new version "
        "(model.json, card, charts). The nightly refresh only loads the saved model.")
def train_person_model():
    fit_person_model()


@dg.definitions
def linkage_training() -> dg.Definitions:
    return dg.Definitions(assets=[person_model], jobs=[train_person_model])
