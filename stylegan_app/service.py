"""StyleService: the single facade the UI and CLI call. No gradio import."""

from __future__ import annotations

import threading

from PIL import Image

from .config import Settings, resolve_device
from .images import decode_image
from .presets import get_preset, list_presets
from .stylizer import Stylizer


class StyleService:
    """Presets and candidate generation; sessions, picks and personalisation build on this."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.device = resolve_device(self.settings.device)
        self._stylizers: dict[str, Stylizer] = {}
        self._lock = threading.Lock()

    def presets(self) -> list[str]:
        """Names of the bundled preset styles."""
        return [p.name for p in list_presets(self.settings.styles_dir)]

    def preset_thumbnail(self, name: str) -> Image.Image:
        """The preset's painting."""
        return get_preset(name, self.settings.styles_dir).style_image()

    def stylizer(self, preset: str) -> Stylizer:
        """A cached, read-only stylizer for a preset."""
        with self._lock:
            if preset not in self._stylizers:
                self._stylizers[preset] = Stylizer.for_style(preset, self.device, self.settings)
            return self._stylizers[preset]

    def candidates(self, content: Image.Image | bytes, preset: str, n: int = 8, seed: int = 0, size: int | None = 512) -> list[Image.Image]:
        """n candidates of a photo in a preset style; the photo is decoded with the safety limits."""
        photo = decode_image(content, self.settings.limits)
        return self.stylizer(preset).candidates(photo, n=n, seed=seed, size=size)
