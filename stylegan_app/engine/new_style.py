"""A style image never seen before: a code fitted in the multi-style network when the presets come from one, else the
nearest preset fine-tuned toward the new style."""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

from stylegan_app.config import EXAMPLE_PHOTOS_DIR, CodeFitConfig, LossConfig, Settings, TrainConfig

from .checkpoint import load_generator
from .generator import Generator
from .images import load_rgb
from .lossnet import LossNetwork, shared_lossnet
from .preset_models import load_preset
from .presets import Preset, list_presets
from .progress import Progress
from .style_code import fit_style_code, gram_distance, painting_grams
from .taste import Taste
from .train import StyleTrainer

ADAPT_CONFIG = replace(TrainConfig(), steps=80, crop=96, batch_crops=2, lr=1.5e-3, checkpoint_every=10**9)


def nearest_preset(lossnet: LossNetwork, image: Image.Image, presets: list[Preset]) -> Preset:
    """The preset whose painting's Grams are closest (relative distance summed over layers)."""
    if not presets:
        raise ValueError("No preset styles are installed, so a new style image cannot be adapted.")
    target = painting_grams(lossnet, image)
    return min(presets, key=lambda preset: gram_distance(painting_grams(lossnet, preset.style_image()), target))


def network_preset(settings: Settings) -> Preset | None:
    """The first preset that is a code of a multi-style network (sessions on a new painting use that network), or None."""
    return next((p for p in list_presets(settings.styles_dir) if p.code_index is not None), None)


def new_style_taste(
    network: Generator, style: Image.Image, device: str, progress: Progress | None = None, code_cfg: CodeFitConfig = CodeFitConfig()
) -> Taste:
    """A painting the multi-style network never saw, as a taste: the blend of codes its fitted code started from, plus
    the rest of that code as the offset (seconds, the network frozen)."""
    photos = [load_rgb(p) for p in sorted(EXAMPLE_PHOTOS_DIR.glob("*.jpg"))]
    code, blend = fit_style_code(network, style, photos, shared_lossnet(device), code_cfg, device=device, progress=progress)
    return Taste.of_code(code, blend, network.style_codes)


def new_style_generator(
    style: Image.Image,
    device: str,
    settings: Settings,
    progress: Progress | None = None,
    adapt_cfg: TrainConfig = ADAPT_CONFIG,
    code_cfg: CodeFitConfig = CodeFitConfig(),
) -> Generator:
    """A single-style generator for a painting no preset is: the multi-style network the presets are codes of, with a
    code fitted to the painting baked in (seconds), or, where the presets are single-style networks, adapt_to_style."""
    preset = network_preset(settings)
    if preset is None:
        return adapt_to_style(style, device, settings, progress, adapt_cfg)
    network = load_generator(preset.weights_folder, device)
    taste = new_style_taste(network, style, device, progress, code_cfg)
    return network.with_code(taste.code(network.style_codes)).eval()


def adapt_to_style(
    style: Image.Image,
    device: str,
    settings: Settings,
    progress: Progress | None = None,
    train_cfg: TrainConfig = ADAPT_CONFIG,
) -> Generator:
    """A generator for a new style image: the nearest preset, fine-tuned for train_cfg.steps steps."""
    lossnet = shared_lossnet(device)
    preset = nearest_preset(lossnet, style, list_presets(settings.styles_dir))
    if progress:
        progress(0.0, f"starting from the nearest preset, {preset.name}")
    start = load_preset(preset.name, settings.styles_dir, device)
    photos = [load_rgb(p) for p in sorted(EXAMPLE_PHOTOS_DIR.glob("*.jpg"))]
    model_cfg = start.config
    trainer = StyleTrainer(style, photos, model_cfg, LossConfig(), train_cfg, device, init=start, lossnet=lossnet)
    while trainer.step_index < train_cfg.steps:
        trainer.step()
        if progress and trainer.step_index % 10 == 0:
            progress(trainer.step_index / train_cfg.steps, f"adapting to the new style: step {trainer.step_index}/{train_cfg.steps}")
    return trainer.generator.eval()
