"""Sessions on the other GANs' models: a drawing painted by a sketch model, a photo by a collection model, or canvases
from a canvas model, with the same candidates, picks, rounds, undo and history as a style session.

A GAN session's round 0 is the shipped model (version path gan:<name>); its candidates are drawn from the version's
proposal over the model's z (engine/gan_candidates.py: a canvas's noise, a translation's stroke scale) and their seeds;
a round fine-tunes a copy of the model toward the picks (engine/gan_round.py). The photo, painting-strength and
colour options of a style session do not apply.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from PIL import Image
from torch import nn

from stylegan_app.config import PersonalizeConfig
from stylegan_app.engine.checkpoint import WEIGHTS_NAME
from stylegan_app.engine.gan_candidates import candidate_z_dim, paint
from stylegan_app.engine.gan_models import GAN_SIDE, MODES, GanModel, get_gan_model, list_gan_models
from stylegan_app.engine.gan_round import GanRoundInputs, gan_round
from stylegan_app.engine.images import decode_image, pil_to_tensor, tensor_to_pil
from stylegan_app.engine.personalize import RoundResult
from stylegan_app.engine.progress import Progress
from stylegan_app.engine.sampling import Proposal, prepare_content
from stylegan_app.engine.sketch import cleaned_drawing

from . import store
from .checks import check_user_name
from .model_files import GAN_PREFIX, file_sha256
from .service_state import ServiceState

ImageSource = bytes | str | Image.Image  # an upload's bytes, a path, or an image

SOURCE_SIDE = 512  # long side a session's drawing or photo is stored at
CANVAS_SHOWN = 256  # canvases are painted at their model's size and shown at this side (nearest: no invented detail)


class GanSessionMethods(ServiceState):
    """StyleService's sessions on the other GANs' models: gan_models, start_gan_session; candidates and rounds dispatch here."""

    def gan_models(self, mode: str | None = None) -> list[GanModel]:
        """The shipped models of the other GANs ("pix2pix", "cyclegan" or "dcgan"; None: all)."""
        return list_gan_models(self.settings.gans_dir, mode)

    def start_gan_session(self, model: str, source: ImageSource | None = None, user: str | None = None, mode: str | None = None) -> str:
        """A new session on a shipped model: a sketch model paints a drawing (dark lines on a light ground), a
        collection model a photo, a canvas model nothing (source None); returns its id. mode: the model must be of it."""
        gan = get_gan_model(model, self.settings.gans_dir, mode)
        user_name = check_user_name(user)
        if gan.mode == "dcgan":
            if source is not None:
                raise ValueError("A canvas model paints from noise alone: it takes no image.")
            image = None
        else:
            if source is None:
                thing = "a drawing" if gan.mode == "pix2pix" else "a photo"
                raise ValueError(f"The {MODES[gan.mode]} model {gan.name!r} paints {thing}: upload or draw one first.")
            image = prepare_content(decode_image(source, self.limits.images), SOURCE_SIDE, SOURCE_SIDE)
            if gan.mode == "pix2pix":
                image = cleaned_drawing(image)
        path = GAN_PREFIX + gan.name
        sha = file_sha256(gan.folder / WEIGHTS_NAME)
        network = self.models.load(path, sha, 0)
        session_id = store.new_id()
        with self.db.begin() as db:
            user_row = store.user_named(db, user_name)
            content_sha = None if image is None else self.images.put(db, image)
            db.add(store.StyleSession(id=session_id, user_id=user_row.id, content_sha=content_sha, gan_model=gan.name, lineage=[path]))
            db.flush()
            db.add(store.ModelVersion(session_id=session_id, round=0, path=path, sha256=sha, losses=[],
                                      proposal=store.proposal_json(Proposal.prior(candidate_z_dim(network)))))  # fmt: skip
        return session_id

    def _gan_source(self, session: store.StyleSession, size: int | None) -> torch.Tensor | None:
        """(1, 3, H, W) of a translation session's drawing or photo at this long side (GAN_SIDE when None); None for a
        canvas session."""
        if session.content_sha is None:
            return None
        image = prepare_content(self.images.load(session.content_sha), size or GAN_SIDE, self.limits.max_size)
        return pil_to_tensor(image).to(self.device)

    @staticmethod
    def _gan_full_size(session: store.StyleSession) -> int:
        """A GAN session's candidate at full size: its drawing or photo's stored side, or a canvas as shown."""
        return CANVAS_SHOWN if session.content_sha is None else SOURCE_SIDE

    def _gan_paint(self, session: store.StyleSession, version: store.ModelVersion, z: torch.Tensor, seeds: list[int],
                   size: int | None) -> list[Image.Image]:  # fmt: skip
        """The version's candidates for these z's and seeds: a translation at `size` (GAN_SIDE when None), canvases at
        their model's size shown at `size` (CANVAS_SHOWN when None)."""
        model = self._generator(version)
        with torch.no_grad():
            painted = paint(model, self._gan_source(session, size), z.to(self.device), seeds)
        images = [tensor_to_pil(image) for image in painted]
        if session.content_sha is None:
            side = size or CANVAS_SHOWN
            images = [image.resize((side, side), Image.Resampling.NEAREST) for image in images]
        return images

    def _gan_round(self, session: store.StyleSession, network: nn.Module, shown: list[store.Candidate], ratings: torch.Tensor,
                   proposal: Proposal, cfg: PersonalizeConfig, progress: Progress | None, should_stop: Callable[[], bool],
                   on_step: Callable[[dict[str, float]], None] | None) -> RoundResult | None:  # fmt: skip
        """A round of a GAN session's model toward its picks (engine/gan_round.py), at the GAN learning rate."""
        source = None if session.content_sha is None else self.images.load(session.content_sha)
        inputs = GanRoundInputs(source=source, z=torch.tensor([c.z for c in shown], dtype=torch.float32),
                                seeds=[c.seed + c.position for c in shown], ratings=ratings, proposal=proposal)  # fmt: skip
        return gan_round(network, self.lossnet(), inputs, cfg, device=self.device, progress=progress, should_stop=should_stop,
                         on_step=on_step)  # fmt: skip
