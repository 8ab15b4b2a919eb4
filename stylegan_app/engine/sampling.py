"""Seeded noise, the proposal distribution over z, and candidate generation."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from PIL import Image

from .generator import Generator
from .images import pil_to_tensor, resize_long_side, tensor_to_pil
from .lossnet import bf16_autocast
from .regions import CodeMap


def seeded_z(seed: int, n: int, z_dim: int) -> torch.Tensor:
    """(n, z_dim) standard normal noise from a seeded CPU generator: same seed, same z."""
    return torch.randn(n, z_dim, generator=torch.Generator().manual_seed(seed))


@dataclass(frozen=True)
class Proposal:
    """Diagonal Gaussian over z that picks move (cross-entropy method); starts as the prior N(0, I)."""

    mean: tuple[float, ...]
    std: tuple[float, ...]

    @classmethod
    def prior(cls, z_dim: int) -> Proposal:
        """The standard normal prior."""
        return cls((0.0,) * z_dim, (1.0,) * z_dim)

    def sample(self, seed: int, n: int, prior_fraction: float = 0.25) -> torch.Tensor:
        """(n, z_dim): most from the proposal, the last ceil(n * prior_fraction) from the prior."""
        eps = seeded_z(seed, n, len(self.mean))
        n_prior = math.ceil(n * prior_fraction)
        z = torch.tensor(self.mean) + torch.tensor(self.std) * eps
        z[n - n_prior :] = eps[n - n_prior :]  # so the user can still change their mind
        return z

    def update(self, picked: torch.Tensor, weights: torch.Tensor, rate: float = 0.7, min_std: float = 0.3) -> Proposal:
        """Move toward the weighted mean and spread of the picked z's (N, z_dim); weights (N,)."""
        if picked.ndim != 2 or picked.shape[0] == 0 or picked.shape[1] != len(self.mean):
            raise ValueError("update needs at least one picked z of the right size")
        if weights.shape != (picked.shape[0],) or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError("update needs one non-negative weight per picked z, not all zero")
        w = weights / weights.sum()
        target_mean = (w[:, None] * picked).sum(0)
        spread = (w[:, None] * (picked - target_mean).pow(2)).sum(0).sqrt()
        mean = (1 - rate) * torch.tensor(self.mean) + rate * target_mean
        std = ((1 - rate) * torch.tensor(self.std) + rate * spread).clamp(min=min_std)
        return Proposal(tuple(mean.tolist()), tuple(std.tolist()))


def prepare_content(content: Image.Image, size: int | None, max_side: int) -> Image.Image:
    """Resize a photo so its long side is size (default: its own, capped at max_side), sides multiples of 8."""
    side = min(size or max(content.size), max_side)
    return resize_long_side(content, side)


def render_each(
    generator: Generator, content: torch.Tensor, z: torch.Tensor, code: torch.Tensor | CodeMap | None = None
) -> Iterator[torch.Tensor]:
    """G(content_i, z_i, code_i) as (1, 3, H, W) tensors, one image at a time (faster than a batch on a small CPU), no
    gradients.

    content: (1, 3, H, W), shared by every row of z, or (N, 3, H, W), one per row of z (N, Z); code likewise (1, D) or
    (N, D) for a multi-style generator, or a CodeMap of 1 or N rows (regions), None for a single-style one.
    """
    if content.shape[0] not in (1, z.shape[0]):
        raise ValueError(f"content holds {content.shape[0]} images for {z.shape[0]} rows of z")
    if code is not None and len(code) not in (1, z.shape[0]):
        raise ValueError(f"code holds {len(code)} rows for {z.shape[0]} rows of z")
    for i in range(z.shape[0]):
        image = content if content.shape[0] == 1 else content[i : i + 1]
        row_code = None if code is None else (code if len(code) == 1 else code[i : i + 1]).to(content.device)
        with torch.no_grad():  # not around the yield: the caller's grad mode stays its own
            out = generator(image, z[i : i + 1].to(content.device), row_code)
        yield out


def render(generator: Generator, content: torch.Tensor, z: torch.Tensor, code: torch.Tensor | CodeMap | None = None) -> torch.Tensor:
    """(N, 3, H, W): every image of render_each in one tensor."""
    return torch.cat(list(render_each(generator, content, z, code)))


def generate(
    generator: Generator, content: Image.Image, z: torch.Tensor, device: str = "cpu", code: torch.Tensor | CodeMap | None = None
) -> list[Image.Image]:
    """One stylised image per row of z, as PIL images: what a user sees, so under bfloat16 autocast where the device has
    it natively (a 512 px candidate 26% faster on this project's CPU, within 0.2 grey levels on average of float32).
    Training and rounds compare float32 renders (render, render_each)."""
    x = pil_to_tensor(content).to(device).contiguous(memory_format=torch.channels_last)
    with bf16_autocast(device):
        return [tensor_to_pil(out.float()) for out in render_each(generator, x, z, code)]


def generate_fitting_memory(
    generator: Generator, content: Image.Image, z: torch.Tensor, device: str, min_side: int, code: torch.Tensor | CodeMap | None = None
) -> list[Image.Image]:
    """generate(), repeated at half the size while the GPU runs out of memory, down to a long side of min_side."""
    while True:
        try:
            return generate(generator, content, z, device, code)
        except torch.OutOfMemoryError:
            if device == "cuda":
                torch.cuda.empty_cache()
            if max(content.size) // 2 < min_side:
                raise ValueError("Out of GPU memory even at the smallest output size: try again in a moment.") from None
            content = resize_long_side(content, max(content.size) // 2)
