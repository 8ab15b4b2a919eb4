"""Bundled preset styles: checkpoints/styles/<name>/ with style image, weights, metadata and samples. Imports no torch."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from stylegan_app.config import CONFIG_NAME, STYLES_DIR, WEIGHTS_NAME


@dataclass(frozen=True)
class Preset:
    """One preset style folder."""

    name: str
    folder: Path

    @property
    def style_path(self) -> Path:
        """style.png, or style.jpg where the painting ships as JPEG."""
        png = self.folder / "style.png"
        return png if png.exists() else self.folder / "style.jpg"

    def style_image(self) -> Image.Image:
        """The painting, RGB."""
        from .images import load_rgb  # here, not at the top: listing presets must not import torch (the first page)

        return load_rgb(self.style_path)

    def metadata(self) -> dict:
        """Title, artist, licence and how the model was trained."""
        return json.loads((self.folder / "metadata.json").read_text())


def is_preset_folder(folder: Path) -> bool:
    """A folder with weights, config, metadata and a style image."""
    needed = (CONFIG_NAME, WEIGHTS_NAME, "metadata.json")
    return all((folder / f).is_file() for f in needed) and any((folder / f).is_file() for f in ("style.png", "style.jpg"))


def list_presets(styles_dir: Path = STYLES_DIR) -> list[Preset]:
    """Every complete preset folder, sorted by name."""
    if not styles_dir.is_dir():
        return []
    return [Preset(d.name, d) for d in sorted(styles_dir.iterdir()) if d.is_dir() and is_preset_folder(d)]


def get_preset(name: str, styles_dir: Path = STYLES_DIR) -> Preset:
    """The preset called name, or a ValueError listing the ones there are."""
    presets = {p.name: p for p in list_presets(styles_dir)}
    if name not in presets:
        raise ValueError(f"Unknown preset {name!r}. Choose one of: {', '.join(presets) or '(none installed)'}.")
    return presets[name]
