"""A generator ready to paint candidates in one style: a preset, or a new style image adapted from the nearest preset."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from stylegan_app.config import Limits, Settings
from stylegan_app.engine.checkpoint import check_folder, load_generator
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.images import decode_image
from stylegan_app.engine.preset_models import load_mix, load_preset
from stylegan_app.engine.presets import list_presets, parse_mix
from stylegan_app.engine.progress import Progress
from stylegan_app.engine.sampling import Proposal, generate, prepare_content

from .checks import check_count, check_seed, check_size


class Stylizer:
    """Holds one generator and makes seeded candidates with it."""

    def __init__(self, generator: Generator, name: str, device: str, limits: Limits = Limits()) -> None:
        self.generator = generator.to(device).eval()
        self.name, self.device, self.limits = name, device, limits

    @classmethod
    def for_style(cls, style: str, device: str, settings: Settings, progress: Progress | None = None) -> Stylizer:
        """A preset by name, a mix of presets ("great_wave=0.7,night_cafe=0.3"), an exported model folder, a style image
        file (adapted from the nearest preset), or a shared model's Hub id (user/name, pulled pinned and checked)."""
        names = [p.name for p in list_presets(settings.styles_dir)]
        if style in names:
            return cls(load_preset(style, settings.styles_dir, device), style, device, settings.limits)
        if "=" in style and not Path(style).exists():
            return cls(load_mix(parse_mix(style), settings.styles_dir, device), style, device, settings.limits)
        if Path(style).is_dir():
            check_folder(Path(style))  # an exported or downloaded model: untrusted, checked before any tensor is read
            return cls(load_generator(Path(style), device), Path(style).name, device, settings.limits)
        if not Path(style).is_file() and style.count("/") == 1 and not style.startswith((".", "/")):
            from .hub import pull

            pulled = pull(style)
            return cls(pulled.generator, f"{pulled.repo_id}@{pulled.commit[:10]}", device, settings.limits)
        if not Path(style).is_file():
            raise ValueError(f"{style!r} is neither a preset ({', '.join(names)}), a model folder, an image file nor a Hub id.")
        from stylegan_app.engine.new_style import new_style_generator

        image = decode_image(style, settings.limits.images)
        generator = new_style_generator(image, device, settings, progress=progress)
        return cls(generator, Path(style).stem, device, settings.limits)

    def candidates(
        self, content: Image.Image, n: int = 8, seed: int = 0, size: int | None = None, proposal: Proposal | None = None
    ) -> list[Image.Image]:
        """n stylised versions of content, one per z drawn from the proposal (default: the prior) with seed."""
        check_count(n, self.limits)
        check_size(size, self.limits)
        check_seed(seed, self.limits)
        proposal = proposal or Proposal.prior(self.generator.z_dim)
        z = proposal.sample(seed, n)
        return generate(self.generator, prepare_content(content, size, self.limits.max_size), z, self.device)
