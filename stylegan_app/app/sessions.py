"""Starting sessions: on a preset, on a painting of the user's own, or on a shared model from the Hub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PIL import Image

from stylegan_app.engine.checkpoint import WEIGHTS_NAME
from stylegan_app.engine.images import decode_image
from stylegan_app.engine.new_style import adapt_to_style, network_preset, new_style_taste
from stylegan_app.engine.presets import check_mix, get_preset, list_presets, mix_presets, mix_text
from stylegan_app.engine.progress import Progress
from stylegan_app.engine.sampling import Proposal
from stylegan_app.engine.taste import Taste

from . import hub, store
from .checks import check_user_name
from .model_files import MIX_PREFIX, NETWORK_PREFIX, PRESET_PREFIX, file_sha256
from .regions import NewRegion, RegionMethods, Style


class SessionMethods(RegionMethods):
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
        regions: Sequence[tuple[Image.Image | bytes | str, Style]] = (),
    ) -> str:
        """A new session on a photo in a preset style (by name), a mix of presets ({name: weight}, one network) or a
        style image of the user's own; returns its id.

        regions: (mask, style) pairs: the mask is the photo's size, white = the region (mode L or 1, or a brush layer's
        opacity); the region is painted in its style (a preset, a mix or a painting), the rest in `style`, soft seams.
        """
        photo = decode_image(content, self.limits.images)
        user_name = check_user_name(user)
        masks = self._checked_masks(regions, photo.size)  # every region checked before any model work
        region_styles = [style for _, style in regions]
        session_id = store.new_id()
        self._cpu_job()
        if isinstance(style, str | Mapping):
            if isinstance(style, str):
                mix = {get_preset(style, self.settings.styles_dir).name: 1.0}
                lineage = PRESET_PREFIX + style
            else:
                mix = check_mix(dict(style), self.settings.styles_dir)
                lineage = MIX_PREFIX + mix_text(mix)
            path, sha, taste = self._preset_start(mix)
            generator = self.models.load(path, sha, 0)  # cached for the session's first batch
            new_regions = self._region_tastes(generator if taste is not None else None, masks, region_styles, progress)
            dominant = max(mix, key=mix.get)  # the card and rounds read its painting
            return self._new_session(session_id, photo, user_name, path, sha, generator.z_dim, preset=dominant, lineage=[lineage],
                                     taste=taste, regions=new_regions)  # fmt: skip
        style_image = decode_image(style, self.limits.images)
        preset = network_preset(self.settings)
        if preset is None:  # single-style presets: the nearest one fine-tuned toward the painting
            self._region_tastes(None, masks, region_styles, progress)  # refuses regions before the fine-tune
            generator = adapt_to_style(style_image, self.device, self.settings, progress, self.adapt_cfg)
            path, sha = self.models.save(generator, session_id, 0)
            return self._new_session(session_id, photo, user_name, path, sha, generator.z_dim, style_image=style_image)
        path = NETWORK_PREFIX + preset.name  # a code fitted in the presets' network: a taste like any other
        sha = file_sha256(self.models.folder(path) / WEIGHTS_NAME)
        network = self.models.load(path, sha, 0)
        taste = new_style_taste(network, style_image, self.device, progress, self.code_cfg)
        new_regions = self._region_tastes(network, masks, region_styles, progress)
        return self._new_session(session_id, photo, user_name, path, sha, network.z_dim, style_image=style_image, taste=taste,
                                 regions=new_regions)  # fmt: skip

    def _preset_start(self, mix: dict[str, float]) -> tuple[str, str, Taste | None]:
        """Round 0 on presets (one, or a checked mix), as (version path, sha256 of its weights, taste): the network they
        are codes of, with the mix as its taste, or a single-style preset's own weights with no taste."""
        presets = mix_presets(mix, self.settings.styles_dir)
        prefix = PRESET_PREFIX if presets[0].code_index is None else NETWORK_PREFIX
        path = prefix + presets[0].name
        sha = file_sha256(self.models.folder(path) / WEIGHTS_NAME)
        if prefix == PRESET_PREFIX:
            return path, sha, None
        return path, sha, self._mix_taste(mix, self.models.load(path, sha, 0))

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
                     lineage: list[str] | None = None, taste: Taste | None = None, regions: Sequence[NewRegion] = ()) -> str:  # fmt: skip
        """One transaction: the user, the images, the session, its regions and its round-0 model version."""
        with self.db.begin() as db:
            user_row = store.user_named(db, user_name)
            content_sha = self.images.put(db, photo)
            style_sha = self.images.put(db, style_image) if style_image is not None else None
            db.add(store.StyleSession(id=session_id, user_id=user_row.id, content_sha=content_sha, style_preset=preset,
                                      style_sha=style_sha, base_model=base_model, lineage=lineage or []))  # fmt: skip
            db.flush()
            proposal = store.proposal_json(Proposal.prior(z_dim))
            db.add(store.ModelVersion(session_id=session_id, round=0, path=path, sha256=sha, proposal=proposal, losses=[],
                                      taste=None if taste is None else taste.to_json()))  # fmt: skip
            for position, region in enumerate(regions):
                label = region.style if region.painting is None else f"painting:{self.images.put(db, region.painting)}"
                db.add(store.Region(session_id=session_id, position=position, mask_sha=self.images.put(db, region.mask),
                                    style=label, taste=region.taste.to_json()))  # fmt: skip
        return session_id

    def session_round(self, session_id: str) -> int:
        """The session's current round."""
        with self.db() as db:
            store.get_session(db, session_id)
            return store.current_version(db, session_id).round
