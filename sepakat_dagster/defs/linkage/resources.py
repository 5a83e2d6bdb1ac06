"""Resources of the linkage stage: where the trained model lives, and where the ground truth is (if any)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from sepakat_dagster.defs.linkage.model import LoadedModel, load_model, model_path


class PersonModel(dg.ConfigurableResource):
    """The trained person model (model.json with its card): the committed one unless a path is given
    (SEPAKAT_PERSON_MODEL), e.g. to train into a scratch folder before replacing the committed model."""

    path: str = str(model_path())

    def load(self) -> LoadedModel:
        return load_model(Path(self.path))


class TruthDirectory(dg.ConfigurableResource):
    """The generator's ground truth (truth/record_map.parquet), read only by the evaluation asset.

    `path` (SEPAKAT_TRUTH) when set; otherwise the truth/ folder beside the landing folder, where `sepakat
    generate` and `sepakat demo` put it. With real registries there is none, and the evaluation says so.
    """

    path: str | None = None
    landing: str | None = None

    @property
    def root(self) -> Path | None:
        if self.path:
            return Path(self.path)
        if self.landing:
            return Path(self.landing).parent / "truth"
        return None

    def available(self) -> bool:
        root = self.root
        return root is not None and (root / "record_map.parquet").exists()


@dg.definitions
def linkage_resources() -> dg.Definitions:
    # SEPAKAT_TRUTH and SEPAKAT_PERSON_MODEL are optional (dg.EnvVar cannot have a default): without them, the
    # truth/ folder next to SEPAKAT_LANDING and the committed model.
    model = PersonModel(path=dg.EnvVar("SEPAKAT_PERSON_MODEL")) if os.environ.get("SEPAKAT_PERSON_MODEL") \
        else PersonModel()
    truth = (
        TruthDirectory(path=dg.EnvVar("SEPAKAT_TRUTH"))
        if os.environ.get("SEPAKAT_TRUTH")
        else TruthDirectory(landing=dg.EnvVar("SEPAKAT_LANDING"))
    )
    return dg.Definitions(resources={"person_model": model, "truth": truth})
