"""CycleGAN (Zhu et al.): the style of a whole collection, learned from unpaired photos and paintings.

Two generators, photo -> painting and painting -> photo, each a U-Net (pix2pix's, with its dropout noise, so a photo
gets different paintings; the paper offers a U-Net beside its ResNet, and unlike this project's style generator, whose
instance norms discard the photo's own colours on purpose, a U-Net's outer level keeps them, which a translation
needs); two PatchGAN discriminators, one per domain. Besides the GAN terms, cycle consistency (a photo taken to the collection
and back is the photo again) and identity (a painting given to the photo -> painting generator stays as it is, which
keeps colours from drifting), with the discriminators shown a replay pool of earlier fakes, as in the paper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image

from .crops import image_sampler
from .discriminator import PatchDiscriminator, discriminator_step
from .gan_trainer import GanTrainer, adam, save_run
from .losses import hinge_g_loss
from .pix2pix import UNet, check_crop
from .progress import Progress


@dataclass(frozen=True)
class CycleGANConfig:
    """The two U-Nets, the discriminators and their training."""

    channels: int = 24  # the U-Nets' first level (pix2pix's UNet)
    depth: int = 5
    dropout: float = 0.5  # the U-Nets' noise: a photo's candidates differ
    cycle_weight: float = 10.0  # the paper's lambda
    identity_weight: float = 5.0  # half the cycle weight, as in the paper
    pool_size: int = 50  # the paper's history of fakes
    steps: int = 2000
    size: int = 128  # training crop side in pixels
    batch: int = 2
    lr: float = 2e-4
    d_lr: float = 2e-4
    image_side: int = 320  # long side images are resized to before cropping
    checkpoint_every: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        check_crop(self.size, self.depth)


class ReplayPool:
    """Up to `size` earlier fakes: for each new one, half the time the discriminator sees an older one instead (which
    the new one replaces), so it keeps judging what the generator used to paint and the two do not chase each other."""

    def __init__(self, size: int, rng: torch.Generator) -> None:
        self.size, self.rng = size, rng
        self.images: list[torch.Tensor] = []  # (3, H, W) each, detached, on the CPU

    def query(self, fakes: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) new fakes -> (B, 3, H, W) for the discriminator: each the new one or an older one."""
        out = []
        for fake in fakes.detach():
            if len(self.images) < self.size:
                self.images.append(fake.cpu())
                out.append(fake)
            elif torch.rand((), generator=self.rng) < 0.5:
                k = int(torch.randint(len(self.images), (), generator=self.rng))
                out.append(self.images[k].to(fake.device))
                self.images[k] = fake.cpu()
            else:
                out.append(fake)
        return torch.stack(out)


class CycleGANTrainer(GanTrainer):
    """One run: photos on one side, a collection of paintings on the other, unpaired."""

    def __init__(self, photos: Sequence[Image.Image], paintings: Sequence[Image.Image], cfg: CycleGANConfig, device: str = "cpu") -> None:
        if not photos or not paintings:
            raise ValueError("CycleGAN needs at least one photo and one painting.")
        torch.manual_seed(cfg.seed)  # initial weights
        self.cfg = cfg
        self.to_painting, self.to_photo = (UNet(cfg.channels, cfg.depth, cfg.dropout).to(device) for _ in range(2))
        self.d_painting, self.d_photo = (PatchDiscriminator().to(device) for _ in range(2))
        generators = list(self.to_painting.parameters()) + list(self.to_photo.parameters())
        super().__init__(
            {"to_painting": self.to_painting, "to_photo": self.to_photo, "d_painting": self.d_painting, "d_photo": self.d_photo},
            {"g": adam(generators, cfg.lr), "d_painting": adam(self.d_painting.parameters(), cfg.d_lr),
             "d_photo": adam(self.d_photo.parameters(), cfg.d_lr)},
            cfg.seed,
            device,
        )  # fmt: skip
        self.photos = image_sampler(photos, cfg.image_side, cfg.size)
        self.paintings = image_sampler(paintings, cfg.image_side, cfg.size)
        self.pools = {"painting": ReplayPool(cfg.pool_size, self.rng), "photo": ReplayPool(cfg.pool_size, self.rng)}

    def step(self) -> dict[str, float]:
        cfg, rng = self.cfg, self.rng  # the U-Nets' dropout from the run's own stream, so a resume repeats it
        photo = self.photos.sample(cfg.batch, self.rng).to(self.device)
        painting = self.paintings.sample(cfg.batch, self.rng).to(self.device)
        fake_painting, fake_photo = self.to_painting(photo, rng), self.to_photo(painting, rng)
        opts, pools = self.optimizers, self.pools
        d_painting = discriminator_step(self.d_painting, opts["d_painting"], painting, pools["painting"].query(fake_painting))
        d_photo = discriminator_step(self.d_photo, opts["d_photo"], photo, pools["photo"].query(fake_photo))
        adv = hinge_g_loss(self.d_painting.frozen_logits(fake_painting)) + hinge_g_loss(self.d_photo.frozen_logits(fake_photo))
        back_photo, back_painting = self.to_photo(fake_painting, rng), self.to_painting(fake_photo, rng)
        cycle = (back_photo - photo).abs().mean() + (back_painting - painting).abs().mean()
        identity = (self.to_painting(painting, rng) - painting).abs().mean() + (self.to_photo(photo, rng) - photo).abs().mean()
        opts["g"].zero_grad(set_to_none=True)
        (adv + cfg.cycle_weight * cycle + cfg.identity_weight * identity).backward()
        opts["g"].step()
        return {"d": (d_painting + d_photo) / 2, "g_adv": adv.item(), "cycle": cycle.item(), "identity": identity.item()}

    def extra_state(self) -> dict[str, torch.Tensor]:
        return {f"pool.{name}": torch.stack(pool.images) for name, pool in self.pools.items() if pool.images}

    def load_extra_state(self, tensors: dict[str, torch.Tensor]) -> None:
        for name, pool in self.pools.items():
            pool.images = list(tensors[f"pool.{name}"]) if f"pool.{name}" in tensors else []


def train_cyclegan(
    photos: Sequence[Image.Image],
    paintings: Sequence[Image.Image],
    out_dir: Path,
    cfg: CycleGANConfig = CycleGANConfig(),
    device: str = "cpu",
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    command: str = "",
) -> UNet:
    """Train (or resume) a collection model; writes the photo -> painting U-Net (config.json, model.safetensors) and
    metadata.json to out_dir; the resume state holds both directions."""
    trainer = CycleGANTrainer(photos, paintings, cfg, device)
    losses = trainer.fit(cfg.steps, out_dir, cfg.checkpoint_every, progress, should_stop)
    save_run("cyclegan", trainer.to_painting, trainer, cfg, losses, out_dir, command, photos=len(photos), paintings=len(paintings))
    return trainer.to_painting
