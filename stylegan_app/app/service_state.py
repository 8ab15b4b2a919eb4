"""The state every part of StyleService shares: settings, database, image and model files, locks; and the
lookups the parts have in common. No gradio import."""

from __future__ import annotations

import threading

import numpy as np
import torch
from PIL import Image

from stylegan_app.config import CodeFitConfig, PersonalizeConfig, Settings, TrainConfig, resolve_device
from stylegan_app.engine.cpu_threads import job_threads
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.lossnet import LossNetwork, shared_lossnet
from stylegan_app.engine.new_style import ADAPT_CONFIG
from stylegan_app.engine.presets import get_preset
from stylegan_app.engine.regions import CodeMap, code_map
from stylegan_app.engine.taste import Taste

from . import store
from .image_files import ImageFiles
from .model_files import ModelFiles
from .views import Candidate

REGION_SIDE = 256  # long side region masks are read at: the code map is an eighth of it


class ServiceState:
    """Settings, the database, image and model files, and per-session locks, built once per service."""

    def __init__(
        self,
        settings: Settings | None = None,
        personalize_cfg: PersonalizeConfig = PersonalizeConfig(),
        adapt_cfg: TrainConfig = ADAPT_CONFIG,
        code_cfg: CodeFitConfig = CodeFitConfig(),
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.limits = self.settings.limits
        self.device = resolve_device(self.settings.device)
        self.personalize_cfg, self.adapt_cfg, self.code_cfg = personalize_cfg, adapt_cfg, code_cfg
        self.data_dir = self.settings.data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = store.open_store(self.settings.database_url)
        self.images = ImageFiles(self.data_dir / "images")
        self.models = ModelFiles(self.data_dir, self.settings.styles_dir, self.device, self.settings.gans_dir)
        self._lock = threading.Lock()  # guards the per-session locks
        self._session_locks: dict[str, threading.Lock] = {}
        self._stop_flags: dict[str, threading.Event] = {}

    def warm_up(self) -> None:
        """Import what the first round needs and nothing before it does: torch's optimisers import torch._dynamo on
        first use, 1.5-2.4 s on a 2-core CPU that the user's first round would otherwise wait for."""
        import torch._dynamo  # noqa: F401

    def _cpu_job(self) -> None:
        """Before a model job on the CPU: its torch threads, as many as cores are idle unless the settings fix them, so
        a busy neighbour slows it by its share instead of stalling every thread (engine/cpu_threads.py)."""
        if self.device == "cpu":
            torch.set_num_threads(self.settings.threads or job_threads())

    def preset_thumbnail(self, name: str) -> Image.Image:
        """The preset's painting."""
        return get_preset(name, self.settings.styles_dir).style_image()

    def lossnet(self) -> LossNetwork:
        """The process-wide frozen loss network, loaded on first use."""
        return shared_lossnet(self.device)

    def _session_lock(self, session_id: str) -> tuple[threading.Lock, threading.Event]:
        with self._lock:
            if session_id not in self._session_locks:
                self._session_locks[session_id] = threading.Lock()
                self._stop_flags[session_id] = threading.Event()
            return self._session_locks[session_id], self._stop_flags[session_id]

    def _generator(self, version: store.ModelVersion) -> Generator:
        """The version's generator (read-only, cached, checked against its sha256); multi-style where it has a taste."""
        return self.models.load(version.path, version.sha256, version.round)

    def _painter(self, version: store.ModelVersion) -> Generator:
        """A single-style generator that paints the version's taste (the version's own where it has none): for exports,
        sample sheets and the attention view."""
        generator = self._generator(version)
        if version.taste is None:
            return generator
        return generator.with_code(Taste.from_json(version.taste).code(generator.style_codes)).eval().requires_grad_(False)

    def _candidate_codes(self, version: store.ModelVersion, mixes: list[list[float] | None]) -> torch.Tensor | CodeMap | None:
        """Codes of candidates with these mixes (None: the taste's) in the version's taste: (N, style_dim), or a CodeMap
        where the session has regions; None where the version has no taste."""
        if version.taste is None:
            return None
        taste = Taste.from_json(version.taste)
        style_codes = self._generator(version).style_codes
        return code_map(taste.codes(taste.mixes(mixes), style_codes), self._region_codes(version.session_id, style_codes))

    def _region_codes(self, session_id: str, style_codes: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """The session's regions as (mask (H, W) weights, style code (style_dim,)) pairs; empty where it has none."""
        with self.db() as db:
            rows = store.session_regions(db, session_id)
        return [(self._region_mask(row.mask_sha), Taste.from_json(row.taste).code(style_codes)) for row in rows]

    def _region_mask(self, sha256: str) -> torch.Tensor:
        """A stored region mask as (H, W) weights in [0, 1], its long side REGION_SIDE px (the code map needs no more)."""
        mask = self.images.load(sha256).convert("L")
        scale = REGION_SIDE / max(mask.size)
        mask = mask.resize((max(1, round(mask.width * scale)), max(1, round(mask.height * scale))), Image.Resampling.BILINEAR)
        return torch.from_numpy(np.asarray(mask, dtype=np.float32) / 255.0)

    def _style_image(self, session: store.StyleSession) -> Image.Image:
        if session.style_sha is not None:
            return self.images.load(session.style_sha)
        return self.preset_thumbnail(session.style_preset)

    def _candidate(self, row: store.Candidate) -> Candidate:
        return Candidate(row.id, self.images.load(row.image_sha), row.seed, row.round, row.position, tuple(row.z))
