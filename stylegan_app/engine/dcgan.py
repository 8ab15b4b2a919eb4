"""DCGAN (Radford et al.): new canvases from noise alone, in the manner of a painting or a folder of them.

The generator maps z through a linear layer to a 4x4 grid, then doubles the size with nearest upsampling and a 3x3
convolution (batch norm and ReLU between, tanh at the end; the paper's transposed convolutions left a checkerboard of
dots) up to the canvas side; the discriminator is a strided-conv PatchGAN. Training
shows the discriminator random patches of the painting(s), resized so a canvas covers about a third of the painting's
long side: a canvas is a new piece of the painting's surface (its strokes, palette and motifs), not a copy of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image
from torch import nn

from .crops import image_sampler
from .discriminator import PatchDiscriminator, discriminator_step
from .gan_trainer import GanTrainer, adam, save_run
from .images import tensor_to_pil
from .losses import hinge_g_loss
from .progress import Progress


@dataclass(frozen=True)
class DCGANConfig:
    """The canvas generator, its discriminator and their training."""

    z_dim: int = 64
    channels: int = 24  # the last layer's width; each earlier layer doubles it, up to 8x
    size: int = 64  # canvas side in pixels: a power of two, 16 or more
    source_side: int = 192  # long side the paintings are resized to before patches are cut (canvas = a third of it)
    steps: int = 3000
    batch: int = 16
    lr: float = 2e-4
    d_lr: float = 2e-4
    checkpoint_every: int = 200
    seed: int = 0


class CanvasGenerator(nn.Module):
    """(B, z_dim) standard normal -> (B, 3, size, size) canvases in [-1, 1]."""

    KIND = "dcgan"
    ARGS = ("z_dim", "channels", "size")

    def __init__(self, z_dim: int = DCGANConfig.z_dim, channels: int = DCGANConfig.channels, size: int = DCGANConfig.size) -> None:
        super().__init__()
        if size < 16 or size & (size - 1) or z_dim < 1 or channels < 1:
            raise ValueError("A canvas side must be a power of two, 16 or more; z_dim and channels at least 1.")
        self.z_dim, self.channels, self.size = z_dim, channels, size
        ups = int(math.log2(size)) - 2  # 4 -> size
        widths = [channels * min(2 ** (ups - i), 8) for i in range(ups + 1)]  # 4x4 grid first, widest
        self.start = nn.Sequential(
            nn.Linear(z_dim, widths[0] * 16), nn.Unflatten(1, (widths[0], 4, 4)), nn.BatchNorm2d(widths[0]), nn.ReLU()
        )
        layers: list[nn.Module] = []
        for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
            # Resize-convolution, not DCGAN's transposed convolution: those left a regular grid of dots over every
            # canvas (1,500 steps on the Great Wave); nearest upsampling and a 3x3 conv paint its foam and sky without.
            layers += [nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)]
            layers += [nn.BatchNorm2d(c_out), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.to_rgb = nn.Conv2d(widths[-1], 3, 3, padding=1)

    def config_dict(self) -> dict:
        """config.json: the kind and the constructor arguments."""
        return {"kind": self.KIND, "z_dim": self.z_dim, "channels": self.channels, "size": self.size}

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.to_rgb(self.body(self.start(z))))


def canvas_discriminator(size: int, channels: int) -> PatchDiscriminator:
    """Strided convs down to a 4x4 grid of logits (each judges about half the canvas), as wide as the generator."""
    levels = int(math.log2(size)) - 2
    return PatchDiscriminator(channels=tuple(channels * min(2**i, 8) for i in range(levels)))


class DCGANTrainer(GanTrainer):
    """One run on patches of one painting or several."""

    def __init__(self, paintings: Sequence[Image.Image], cfg: DCGANConfig, device: str = "cpu") -> None:
        if not paintings:
            raise ValueError("DCGAN needs at least one painting.")
        torch.manual_seed(cfg.seed)  # initial weights
        self.cfg = cfg
        self.generator = CanvasGenerator(cfg.z_dim, cfg.channels, cfg.size).to(device)
        self.discriminator = canvas_discriminator(cfg.size, cfg.channels).to(device)
        super().__init__(
            {"g": self.generator, "d": self.discriminator},
            {"g": adam(self.generator.parameters(), cfg.lr), "d": adam(self.discriminator.parameters(), cfg.d_lr)},
            cfg.seed,
            device,
        )
        self.patches = image_sampler(paintings, cfg.source_side, cfg.size)

    def step(self) -> dict[str, float]:
        cfg = self.cfg
        real = self.patches.sample(cfg.batch, self.rng).to(self.device)
        fake = self.generator(torch.randn(cfg.batch, cfg.z_dim, generator=self.rng).to(self.device))
        d_loss = discriminator_step(self.discriminator, self.optimizers["d"], real, fake)
        g_loss = hinge_g_loss(self.discriminator.frozen_logits(fake))
        opt = self.optimizers["g"]
        opt.zero_grad(set_to_none=True)
        g_loss.backward()
        opt.step()
        return {"d": d_loss, "g_adv": g_loss.item()}


def train_dcgan(
    paintings: Sequence[Image.Image],
    out_dir: Path,
    cfg: DCGANConfig = DCGANConfig(),
    device: str = "cpu",
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    command: str = "",
) -> CanvasGenerator:
    """Train (or resume) a canvas generator; writes config.json, model.safetensors and metadata.json to out_dir."""
    trainer = DCGANTrainer(paintings, cfg, device)
    losses = trainer.fit(cfg.steps, out_dir, cfg.checkpoint_every, progress, should_stop)
    save_run("dcgan", trainer.generator, trainer, cfg, losses, out_dir, command, paintings=len(paintings))
    return trainer.generator


def canvas_noise(n: int, z_dim: int, seed: int) -> torch.Tensor:
    """(n, z_dim) standard normal, from a seeded CPU generator: the same seed, the same canvases."""
    return torch.randn(n, z_dim, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def paint_canvases(model: CanvasGenerator, z: torch.Tensor, device: str = "cpu") -> list[Image.Image]:
    """One canvas per row of z (n, z_dim)."""
    return [tensor_to_pil(canvas) for canvas in model.eval()(z.to(device))]
