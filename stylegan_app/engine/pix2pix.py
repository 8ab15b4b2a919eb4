"""pix2pix (Isola et al.): paired translation, a drawing in, a painting out.

The generator is a U-Net whose dropout is its noise: dropout stays on when painting, each draw of masks seeded, so one
drawing gives different paintings. The discriminator is a PatchGAN on the (input, output) pair, so it judges whether
the output belongs to that input. The loss is the GAN term plus l1_weight times the L1 distance to the real output
(hinge GAN, as everywhere in this project, where the paper used the cross-entropy one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from .crops import random_crop
from .discriminator import PatchDiscriminator, discriminator_step
from .gan_trainer import GanTrainer, adam, save_run
from .images import load_rgb, pil_to_tensor, resize_long_side, tensor_to_pil
from .losses import hinge_g_loss
from .progress import Progress

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


@dataclass(frozen=True)
class Pix2PixConfig:
    """The U-Net, its PatchGAN and their training."""

    channels: int = 24  # the U-Net's first level; each deeper level doubles it, up to 8x
    depth: int = 5  # levels down (and up): the input is padded to a multiple of 2**depth
    dropout: float = 0.5  # on the decoder's innermost levels, in training and when painting: the noise
    l1_weight: float = 100.0  # the paper's lambda
    steps: int = 2000
    size: int = 128  # training crop side in pixels
    batch: int = 4
    lr: float = 2e-4
    d_lr: float = 2e-4
    image_side: int = 320  # long side pairs are resized to before cropping
    checkpoint_every: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        check_crop(self.size, self.depth)


def check_crop(size: int, depth: int) -> None:
    """A U-Net's training crop must leave its innermost level at least 2x2 (instance norm needs more than one place)."""
    if size < 2 ** (depth + 1):
        raise ValueError(f"The training crop must be at least {2 ** (depth + 1)} px for a U-Net of depth {depth}.")


def down_block(c_in: int, c_out: int, norm: bool) -> nn.Sequential:
    """A 4x4 stride-2 conv (half the size), instance norm, LeakyReLU."""
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 4, stride=2, padding=1)]
    return nn.Sequential(*layers, *([nn.InstanceNorm2d(c_out, affine=True)] if norm else []), nn.LeakyReLU(0.2))


class UpBlock(nn.Module):
    """Bilinear upsampling and a 3x3 conv (no checkerboard), instance norm, ReLU; dropout noise where asked."""

    def __init__(self, c_in: int, c_out: int, dropout: float) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, padding_mode="reflect")
        self.norm = nn.InstanceNorm2d(c_out, affine=True)
        self.dropout = dropout

    def forward(self, x: torch.Tensor, rng: torch.Generator | None) -> torch.Tensor:
        x = F.relu(self.norm(self.conv(F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False))))
        if self.dropout == 0:
            return x
        keep = torch.rand(x.shape, generator=rng, device="cpu" if rng is not None else x.device) >= self.dropout
        return x * keep.to(x.device, x.dtype) / (1.0 - self.dropout)


class UNet(nn.Module):
    """pix2pix's generator: (B, 3, H, W) in [-1, 1] -> (B, 3, H, W) in [-1, 1], any H, W; `rng` seeds its dropout noise."""

    KIND = "unet"  # config.json's kind: pix2pix and CycleGAN models are both U-Nets
    ARGS = ("channels", "depth", "dropout")

    def __init__(
        self, channels: int = Pix2PixConfig.channels, depth: int = Pix2PixConfig.depth, dropout: float = Pix2PixConfig.dropout
    ) -> None:
        super().__init__()
        if depth < 2 or channels < 1 or not 0 <= dropout < 1:
            raise ValueError("A U-Net needs depth >= 2, channels >= 1 and dropout in [0, 1).")
        self.channels, self.depth, self.dropout = channels, depth, dropout
        widths = [channels * min(2**i, 8) for i in range(depth)]  # at 1/2, 1/4, ... of the input size
        self.down = nn.ModuleList(down_block(3 if i == 0 else widths[i - 1], widths[i], norm=i > 0) for i in range(depth))
        # Up from the innermost level: each block's output is joined to the encoder's at the same size (the skips).
        # The paper's noise: dropout on the three innermost decoder levels, never the outermost (it would blur detail).
        noisy = range(max(2, depth - 3), depth)
        self.up = nn.ModuleList(
            UpBlock(widths[i] if i == depth - 1 else 2 * widths[i], widths[i - 1], dropout if i in noisy else 0.0)
            for i in range(depth - 1, 0, -1)
        )
        # Back to full size by sub-pixel convolution: each place at 1/2 size paints its 2x2 pixels, so fine detail the
        # encoder's first level kept is put back exactly (bilinear upsampling blurred it: feathers and fur lost).
        self.to_rgb = nn.Sequential(nn.Conv2d(2 * widths[0], 12, 3, padding=1, padding_mode="reflect"), nn.PixelShuffle(2))

    def config_dict(self) -> dict:
        """config.json: the kind and the constructor arguments."""
        return {"kind": self.KIND, "channels": self.channels, "depth": self.depth, "dropout": self.dropout}

    def forward(self, x: torch.Tensor, rng: torch.Generator | None = None) -> torch.Tensor:
        """rng: a CPU generator for the dropout masks (the same seed, the same painting); None: torch's own stream."""
        h, w = x.shape[-2:]
        multiple = 2**self.depth
        pad_h, pad_w = (-h) % multiple, (-w) % multiple
        y = F.pad(x, (0, pad_w, 0, pad_h), mode="reflect") if pad_h or pad_w else x
        skips = []
        for block in self.down:
            y = block(y)
            skips.append(y)
        for block, skip in zip(self.up, reversed(skips[:-1]), strict=True):
            y = torch.cat([block(y, rng), skip], dim=1)
        return torch.tanh(self.to_rgb(y))[..., :h, :w]


def stacked(source: Image.Image, target: Image.Image, side: int) -> torch.Tensor:
    """(1, 6, H, W): the input at this long side and the output resized to the same size, so one crop cuts both alike."""
    source = resize_long_side(source.convert("RGB"), side)
    target = target.convert("RGB").resize(source.size, Image.Resampling.BICUBIC)
    return torch.cat([pil_to_tensor(source), pil_to_tensor(target)], dim=1)


class Pix2PixTrainer(GanTrainer):
    """One run: pairs (input, output) of the same size; each step crops the same place of a pair, flipped alike."""

    def __init__(self, pairs: list[tuple[Image.Image, Image.Image]], cfg: Pix2PixConfig, device: str = "cpu") -> None:
        if not pairs:
            raise ValueError("pix2pix needs at least one (input, output) pair.")
        torch.manual_seed(cfg.seed)  # initial weights
        self.cfg = cfg
        self.generator = UNet(cfg.channels, cfg.depth, cfg.dropout).to(device)
        self.discriminator = PatchDiscriminator(in_channels=6).to(device)
        super().__init__(
            {"g": self.generator, "d": self.discriminator},
            {"g": adam(self.generator.parameters(), cfg.lr), "d": adam(self.discriminator.parameters(), cfg.d_lr)},
            cfg.seed,
            device,
        )
        self.pairs = [stacked(a, b, cfg.image_side) for a, b in pairs]

    def step(self) -> dict[str, float]:
        cfg = self.cfg
        chosen = torch.randint(len(self.pairs), (cfg.batch,), generator=self.rng).tolist()
        both = torch.cat([random_crop(self.pairs[i], cfg.size, self.rng) for i in chosen]).to(self.device)  # (B, 6, s, s)
        source, target = both[:, :3], both[:, 3:]
        out = self.generator(source, self.rng)  # dropout from the run's own stream, so a resume repeats it
        d_loss = discriminator_step(self.discriminator, self.optimizers["d"], both, torch.cat([source, out], dim=1))
        g_adv = hinge_g_loss(self.discriminator.frozen_logits(torch.cat([source, out], dim=1)))
        l1 = (out - target).abs().mean()
        opt = self.optimizers["g"]
        opt.zero_grad(set_to_none=True)
        (g_adv + cfg.l1_weight * l1).backward()
        opt.step()
        return {"d": d_loss, "g_adv": g_adv.item(), "l1": l1.item()}


def read_pairs(folder: Path) -> list[tuple[Image.Image, Image.Image]]:
    """folder/A/k.png -> folder/B/k.png (any image suffix, matched by name); refuses a folder with an unmatched file."""
    folder = Path(folder)
    sides = {}
    for side in ("A", "B"):
        if not (folder / side).is_dir():
            raise ValueError(f"pix2pix pairs need {folder / side}: inputs in A/, outputs of the same names in B/.")
        sides[side] = {p.stem: p for p in sorted((folder / side).iterdir()) if p.suffix.lower() in IMAGE_SUFFIXES}
    if set(sides["A"]) != set(sides["B"]) or not sides["A"]:
        unmatched = sorted(set(sides["A"]) ^ set(sides["B"]))[:5]
        raise ValueError(f"Every image in A/ needs one of the same name in B/ (unmatched: {unmatched or 'no images'}).")
    return [(load_rgb(sides["A"][k]), load_rgb(sides["B"][k])) for k in sorted(sides["A"])]


def train_pix2pix(
    pairs: list[tuple[Image.Image, Image.Image]],
    out_dir: Path,
    cfg: Pix2PixConfig = Pix2PixConfig(),
    device: str = "cpu",
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    command: str = "",
) -> UNet:
    """Train (or resume) a pix2pix model; writes config.json, model.safetensors and metadata.json to out_dir."""
    trainer = Pix2PixTrainer(pairs, cfg, device)
    losses = trainer.fit(cfg.steps, out_dir, cfg.checkpoint_every, progress, should_stop)
    save_run("pix2pix", trainer.generator, trainer, cfg, losses, out_dir, command, pairs=len(pairs))
    return trainer.generator


@torch.no_grad()
def translate(model: UNet, image: Image.Image, n: int, seed: int, side: int, device: str = "cpu") -> list[Image.Image]:
    """n paintings of one input at this long side, each with its own dropout noise (seed + i)."""
    x = pil_to_tensor(resize_long_side(image.convert("RGB"), side)).to(device)
    return [tensor_to_pil(model(x, torch.Generator().manual_seed(seed + i))[0]) for i in range(n)]
