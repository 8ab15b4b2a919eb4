"""Sharing a session's model: export in the Hugging Face layout with a model card and samples, push, browse."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from PIL import Image

from stylegan_app.config import EXAMPLE_PHOTOS_DIR, PersonalizeConfig, Settings
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.images import image_grid, load_rgb
from stylegan_app.engine.presets import get_preset
from stylegan_app.engine.sampling import generate, prepare_content, seeded_z

from . import hub, store
from .hub import CardInfo
from .service_state import ServiceState
from .tables import StyleSession

SAMPLE_PHOTO = EXAMPLE_PHOTOS_DIR / "mont_saint_michel.jpg"  # held out of preset training
SAMPLE_SIDE = 256
ROUND_SETTINGS = ("steps", "size", "crop", "lr", "style_lambda", "beta", "max_step", "adv_weight", "diversity_weight", "anchor_weight")


def round_settings(cfg: PersonalizeConfig) -> dict:
    """The settings of a personalisation round that a model card lists."""
    return {key: getattr(cfg, key) for key in ROUND_SETTINGS}


def card_info(session: StyleSession, rounds: int, picks: int, cfg: PersonalizeConfig, settings: Settings, regions: int = 0) -> CardInfo:
    """The card's facts: where the style came from and under which licence, the rounds, picks and lineage."""
    if session.style_preset is not None:
        meta = get_preset(session.style_preset, settings.styles_dir).metadata()
        style = f"{meta.get('artist', 'unknown artist')}, {meta.get('title', session.style_preset)}"
        licence = meta.get("licence", "see the app's README")
    elif session.base_model is not None:
        style, licence = f"the style image of {session.base_model}", f"as stated in the card of {session.base_model}"
    else:
        style, licence = "a style image of the user's own", "not recorded (uploaded by the user who trained this model)"
    return CardInfo(
        style=style, style_licence=licence, rounds=rounds, picks=picks, training=round_settings(cfg),
        base_model=session.base_model, base_preset=session.style_preset, lineage=tuple(session.lineage or ()), regions=regions,
    )  # fmt: skip


@functools.lru_cache(maxsize=1)
def sample_photo() -> Image.Image:
    """The held-out photo every sample sheet paints (read-only)."""
    return prepare_content(load_rgb(SAMPLE_PHOTO), SAMPLE_SIDE, SAMPLE_SIDE)


def sample_sheet(generator: Generator, device: str) -> Image.Image:
    """8 candidates (seed 0) of the held-out photo in a 4-column grid."""
    return image_grid(generate(generator, sample_photo(), seeded_z(0, 8, generator.z_dim), device), columns=4)


class SharingMethods(ServiceState):
    """StyleService's sharing: export, push, shared_models."""

    def export(self, session_id: str, out_dir: str | Path) -> Path:
        """Write the session's current model in the Hugging Face layout, ready to share: config.json, model.safetensors,
        README.md (model card with lineage), samples.jpg (8 candidates of a held-out photo) and style.png."""
        with self.db() as db:
            session = store.get_style_session(db, session_id, "Exporting and sharing a model")
            version = store.current_version(db, session_id)
            n_picks = store.session_pick_count(db, session_id)
            n_regions = len(store.session_regions(db, session_id))
        generator = self._painter(version)  # the taste baked in: a single-style model anyone can load
        info = card_info(session, version.round, n_picks, self.personalize_cfg, self.settings, n_regions)
        return hub.export_folder(generator, Path(out_dir), info, sample_sheet(generator, self.device), self._style_image(session))

    def push(self, session_id: str, name: str, token: str, user: str | None = None) -> tuple[str, str]:
        """Export the current model and push it to the token owner's own namespace as <user>/<name>; (repo_id, commit)."""
        hub.check_token(token)  # both before the export's work; the namespace is checked against the token's user in push
        hub.check_model_name(name)
        with tempfile.TemporaryDirectory(prefix="stylegan_app_share_") as folder:
            self.export(session_id, folder)
            return hub.push(Path(folder), name, token, user=user)

    def shared_models(self, limit: int = 24) -> list[hub.SharedModel]:
        """Models of this library on the Hub; ValueError saying the Hub is unreachable when it is."""
        return hub.list_shared(limit)
