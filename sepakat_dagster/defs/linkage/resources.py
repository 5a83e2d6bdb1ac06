"""Resources of the linkage stage: where the trained model lives, and where the ground truth is (if any)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from sepakat_dagster import paths
from sepakat_dagster.defs.ground_truth import TruthDirectory
from sepakat_dagster.defs.linkage.model import LoadedModel, load_model, model_path
from sepakat_dagster.defs.resources import located


class PersonModel(dg.ConfigurableResource):
    """The trained person model (model.json with its card): the committed one unless a path is given
    (SEPAKAT_PERSON_MODEL), e.g. to train into a scratch folder before replacing the committed model."""

    path: str = str(model_path())

    def load(self) -> LoadedModel:
        return load_model(Path(self.path))


@dg.definitions
def linkage_resources() -> dg.Definitions:
    return dg.Definitions(resources={
        "person_model": PersonModel(path=located(paths.PERSON_MODEL)),
        "truth": TruthDirectory(path=located(paths.TRUTH)),
    })
