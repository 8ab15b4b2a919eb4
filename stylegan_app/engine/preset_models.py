"""Presets and mixes of presets as ready generators: a preset's own weights, or a multi-style network with the
preset's code (or a mix of codes) baked in, so what comes out is a single-style generator like any other."""

from __future__ import annotations

from pathlib import Path

from stylegan_app.config import STYLES_DIR

from .checkpoint import load_generator
from .generator import Generator
from .presets import check_mix, get_preset, mix_presets


def weights_folder_of(presets: dict[str, float] | str, styles_dir: Path = STYLES_DIR) -> Path:
    """The folder whose model.safetensors a preset (by name) or a checked mix is painted with."""
    name = presets if isinstance(presets, str) else next(iter(presets))
    return get_preset(name, styles_dir).weights_folder


def load_preset(name: str, styles_dir: Path = STYLES_DIR, device: str = "cpu") -> Generator:
    """The preset's generator: its own single-style weights, or its network with its code baked in."""
    preset = get_preset(name, styles_dir)
    generator = load_generator(preset.weights_folder, device)
    if preset.code_index is None:
        return generator
    if generator.style_codes is None or not 0 <= preset.code_index < generator.style_codes.shape[0]:
        raise ValueError(f"Preset {name} points at style code {preset.code_index}, which its network does not have.")
    return generator.with_code(generator.style_codes[preset.code_index]).eval()


def load_mix(mix: dict[str, float], styles_dir: Path = STYLES_DIR, device: str = "cpu") -> Generator:
    """One generator painting a weighted mix of presets of one network (the mix is checked and normalised first)."""
    mix = check_mix(dict(mix), styles_dir)
    presets = mix_presets(mix, styles_dir)
    generator = load_generator(presets[0].weights_folder, device)
    code = sum(weight * generator.style_codes[p.code_index] for p, weight in zip(presets, mix.values(), strict=True))
    return generator.with_code(code).eval()
