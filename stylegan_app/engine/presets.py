"""Bundled preset styles: checkpoints/styles/<name>/ with style image, metadata, samples and weights. Imports no torch.

A preset folder holds its own weights (config.json + model.safetensors), or its metadata.json points at a multi-style
network ("network": a folder relative to the preset's, "code": the painting's index among the network's style codes).
Presets of one network can be mixed: {"great_wave": 0.7, "night_cafe": 0.3} is one code, one forward pass.
"""

from __future__ import annotations

import functools
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
        return dict(self._metadata)

    @functools.cached_property
    def _metadata(self) -> dict:
        """metadata.json, read once per Preset (listing the presets makes fresh ones)."""
        return json.loads((self.folder / "metadata.json").read_text())

    @property
    def weights_folder(self) -> Path:
        """Where the generator is: the preset's own folder, or the multi-style network its metadata points at."""
        network = self._metadata.get("network")
        return (self.folder / network).resolve() if network else self.folder

    @property
    def code_index(self) -> int | None:
        """The painting's index among the network's style codes; None for a preset with its own single-style weights."""
        return self._metadata.get("code") if self._metadata.get("network") else None


def is_preset_folder(folder: Path) -> bool:
    """A folder with metadata, a style image, and weights of its own or a network its metadata points at."""
    if not (folder / "metadata.json").is_file() or not any((folder / f).is_file() for f in ("style.png", "style.jpg")):
        return False
    try:
        weights = Preset(folder.name, folder).weights_folder
    except (ValueError, OSError):  # unreadable metadata
        return False
    return all((weights / f).is_file() for f in (CONFIG_NAME, WEIGHTS_NAME))


def parse_mix(text: str) -> dict[str, float]:
    """ "great_wave=0.7,night_cafe=0.3" -> {"great_wave": 0.7, "night_cafe": 0.3}; ValueError saying the format."""
    mix: dict[str, float] = {}
    for part in text.split(","):
        name, sep, weight = part.partition("=")
        try:
            mix[name.strip()] = float(weight)
        except ValueError:
            raise ValueError(f"A mix reads like great_wave=0.7,night_cafe=0.3; {part!r} is not name=weight.") from None
        if not sep or not name.strip():
            raise ValueError(f"A mix reads like great_wave=0.7,night_cafe=0.3; {part!r} is not name=weight.")
    return mix


def check_mix(mix: dict[str, float], styles_dir: Path = STYLES_DIR) -> dict[str, float]:
    """A mix of presets of one multi-style network with positive weights, normalised to sum to 1 and sorted by name."""
    if not mix:
        raise ValueError("A mix needs at least one preset.")
    for name, weight in mix.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0 or weight == float("inf"):
            raise ValueError(f"Mix weights must be positive numbers; {name} has {weight!r}.")
    presets = mix_presets(mix, styles_dir)
    single = [p.name for p in presets if p.code_index is None]
    if single:
        raise ValueError(f"{', '.join(single)}: a single-style preset cannot be mixed; mix presets of the multi-style network.")
    if len({p.weights_folder for p in presets}) > 1:
        raise ValueError("These presets belong to different networks, so they cannot be mixed in one pass.")
    total = sum(mix.values())
    return {name: mix[name] / total for name in sorted(mix)}


def mix_presets(mix: dict[str, float], styles_dir: Path = STYLES_DIR) -> list[Preset]:
    """The presets a mix names, in its order (one listing of the folder); ValueError for an unknown name."""
    presets = {p.name: p for p in list_presets(styles_dir)}
    unknown = [name for name in mix if name not in presets]
    if unknown:
        raise ValueError(f"Unknown preset {unknown[0]!r}. Choose one of: {', '.join(presets) or '(none installed)'}.")
    return [presets[name] for name in mix]


def mix_text(mix: dict[str, float]) -> str:
    """The mix as "a=0.7,b=0.3" (the inverse of parse_mix, rounded for display and storage)."""
    return ",".join(f"{name}={weight:.4g}" for name, weight in mix.items())


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
