"""A generator ready to paint candidates in one style: a preset, a new style image adapted from the nearest preset, or a
model folder (a style model, a CycleGAN collection model, or a pix2pix model that paints drawings)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from stylegan_app.config import Limits, Settings
from stylegan_app.engine.checkpoint import check_folder, load_model
from stylegan_app.engine.dcgan import CanvasGenerator
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.images import decode_image
from stylegan_app.engine.pix2pix import UNet, translate
from stylegan_app.engine.preset_models import load_mix, load_preset
from stylegan_app.engine.presets import list_presets, parse_mix
from stylegan_app.engine.progress import Progress
from stylegan_app.engine.sampling import Proposal, generate, prepare_content

from .checks import check_count, check_seed, check_size


class Stylizer:
    """Holds one generator and makes seeded candidates with it: variants by z, or by dropout noise for pix2pix."""

    def __init__(self, generator: Generator | UNet, name: str, device: str, limits: Limits = Limits()) -> None:
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
            model = load_model(Path(style), device)
            if isinstance(model, CanvasGenerator):
                raise ValueError(f"{Path(style).name} is a DCGAN model: it paints new canvases from noise, not photos "
                                 f"(python -m stylegan_app sample --model {style} OUTDIR).")  # fmt: skip
            return cls(model, Path(style).name, device, settings.limits)
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
        """n stylised versions of content, one per z drawn from the proposal (default: the prior) with seed; for a pix2pix
        model, one per draw of its dropout noise (seed, seed + 1, ...)."""
        check_count(n, self.limits)
        check_size(size, self.limits)
        check_seed(seed, self.limits)
        if isinstance(self.generator, UNet):
            photo = prepare_content(content, size, self.limits.max_size)
            return translate(self.generator, photo, n, seed, max(photo.size), self.device)
        proposal = proposal or Proposal.prior(self.generator.z_dim)
        z = proposal.sample(seed, n)
        return generate(self.generator, prepare_content(content, size, self.limits.max_size), z, self.device)
