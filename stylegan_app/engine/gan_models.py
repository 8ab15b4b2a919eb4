"""The shipped models of the other GANs: checkpoints/gans/<name>/ with weights, metadata and a contact sheet. No torch.

metadata.json says the model's mode ("pix2pix": a sketch model, a drawing in, a painting out; "cyclegan": a
collection model, a photo in, the collection's manner out; "dcgan": a canvas model, canvases from noise), its title
and what it was trained with, on what, for how long (scripts/train_gans.py writes it).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from stylegan_app.config import CONFIG_NAME, GANS_DIR, WEIGHTS_NAME

MODES = {"pix2pix": "sketch", "cyclegan": "collection", "dcgan": "canvas"}  # training mode -> what the app calls it
GAN_SIDE = 384  # long side a translation model paints candidates at unless asked otherwise


@dataclass(frozen=True)
class GanModel:
    """One shipped model folder."""

    name: str
    folder: Path

    @functools.cached_property
    def metadata(self) -> dict:
        """metadata.json: mode, title, paintings, how it was trained."""
        return json.loads((self.folder / "metadata.json").read_text())

    @property
    def mode(self) -> str:
        return self.metadata["mode"]

    @property
    def title(self) -> str:
        return self.metadata.get("title", self.name)

    @property
    def samples_path(self) -> Path:
        """samples.jpg, the contact sheet."""
        return self.folder / "samples.jpg"


def list_gan_models(gans_dir: Path = GANS_DIR, mode: str | None = None) -> list[GanModel]:
    """The complete model folders (metadata, config and weights), sorted by name; only those of one mode if given."""
    if not Path(gans_dir).is_dir():
        return []
    models = []
    for folder in sorted(p for p in Path(gans_dir).iterdir() if p.is_dir()):
        if all((folder / f).is_file() for f in ("metadata.json", CONFIG_NAME, WEIGHTS_NAME)):
            model = GanModel(folder.name, folder)
            try:
                if mode is None or model.mode == mode:
                    models.append(model)
            except (ValueError, KeyError):  # unreadable metadata: not offered
                continue
    return models


def get_gan_model(name: str, gans_dir: Path = GANS_DIR, mode: str | None = None) -> GanModel:
    """The model of this name (and mode), or a ValueError naming the ones there are."""
    models = {m.name: m for m in list_gan_models(gans_dir, mode)}
    if name not in models:
        kind = MODES.get(mode, "such") if mode else "such"
        raise ValueError(f"There is no {kind} model {name!r}; there are: {', '.join(models) or 'none'}.")
    return models[name]
