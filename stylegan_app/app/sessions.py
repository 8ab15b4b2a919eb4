"""Starting sessions: on a preset, on a painting of the user's own, or on a shared model from the Hub."""

from __future__ import annotations

from collections.abc import Mapping

from PIL import Image

from stylegan_app.engine.checkpoint import WEIGHTS_NAME
from stylegan_app.engine.images import decode_image
from stylegan_app.engine.new_style import new_style_generator
from stylegan_app.engine.presets import check_mix, get_preset, list_presets, mix_text
from stylegan_app.engine.progress import Progress
from stylegan_app.engine.sampling import Proposal

from . import hub, store
from .checks import check_user_name
from .model_files import MIX_PREFIX, PRESET_PREFIX, file_sha256
from .rounds import proposal_json
from .service_state import ServiceState


class SessionMethods(ServiceState):
    """StyleService's sessions: presets, start_session, start_session_from_hub, session_round."""

    def presets(self) -> list[str]:
        """Names of the bundled preset styles."""
        return [p.name for p in list_presets(self.settings.styles_dir)]

    def start_session(
        self,
        content: Image.Image | bytes | str,
        style: str | Mapping[str, float] | Image.Image | bytes,
        user: str | None = None,
        progress: Progress | None = None,
    ) -> str:
        """A new session on a photo in a preset style (by name), a mix of presets ({name: weight}, one network) or a
        style image of the user's own; returns its id."""
        photo = decode_image(content, self.limits.images)
        user_name = check_user_name(user)
        session_id = store.new_id()
        if isinstance(style, str | Mapping):
            if isinstance(style, str):
                preset = get_preset(style, self.settings.styles_dir)
                path, dominant = PRESET_PREFIX + preset.name, preset.name
            else:
                mix = check_mix(dict(style), self.settings.styles_dir)
                path, dominant = MIX_PREFIX + mix_text(mix), max(mix, key=mix.get)  # the card and rounds read its painting
            sha = file_sha256(self.models.folder(path) / WEIGHTS_NAME)
            z_dim = self.models.load(path, sha, 0).z_dim  # cached for the session's first batch
            return self._new_session(session_id, photo, user_name, path, sha, z_dim, preset=dominant, lineage=[path])
        style_image = decode_image(style, self.limits.images)
        generator = new_style_generator(style_image, self.device, self.settings, progress, self.adapt_cfg, self.code_cfg)
        path, sha = self.models.save(generator, session_id, 0)
        return self._new_session(session_id, photo, user_name, path, sha, generator.z_dim, style_image=style_image)

    def start_session_from_hub(
        self, content: Image.Image | bytes | str, repo_id: str, revision: str | None = None, user: str | None = None
    ) -> str:
        """A new session on a shared model pulled from the Hub (pinned to the resolved commit, checked before use)."""
        photo = decode_image(content, self.limits.images)
        user_name = check_user_name(user)
        pulled = hub.pull(repo_id, revision)
        if not (pulled.folder / hub.STYLE_NAME).is_file():
            raise ValueError(f"{repo_id} has no {hub.STYLE_NAME}, which a round needs: it was not shared by this app.")
        style_image = decode_image(pulled.folder / hub.STYLE_NAME, self.limits.images)
        session_id = store.new_id()
        path, sha = self.models.save(pulled.generator, session_id, 0)
        return self._new_session(session_id, photo, user_name, path, sha, pulled.generator.z_dim,
                                 style_image=style_image, base_model=repo_id, lineage=list(pulled.lineage))  # fmt: skip

    def _new_session(self, session_id: str, photo: Image.Image, user_name: str | None, path: str, sha: str, z_dim: int,
                     preset: str | None = None, style_image: Image.Image | None = None, base_model: str | None = None,
                     lineage: list[str] | None = None) -> str:  # fmt: skip
        """One transaction: the user, the images, the session and its round-0 model version."""
        with self.db.begin() as db:
            user_row = store.user_named(db, user_name)
            content_sha = self.images.put(db, photo)
            style_sha = self.images.put(db, style_image) if style_image is not None else None
            db.add(store.StyleSession(id=session_id, user_id=user_row.id, content_sha=content_sha, style_preset=preset,
                                      style_sha=style_sha, base_model=base_model, lineage=lineage or []))  # fmt: skip
            db.flush()
            proposal = proposal_json(Proposal.prior(z_dim))
            db.add(store.ModelVersion(session_id=session_id, round=0, path=path, sha256=sha, proposal=proposal, losses=[]))
        return session_id

    def session_round(self, session_id: str) -> int:
        """The session's current round."""
        with self.db() as db:
            store.get_session(db, session_id)
            return store.current_version(db, session_id).round
