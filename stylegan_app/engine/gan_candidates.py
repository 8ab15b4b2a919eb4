"""Candidates of the other GANs' models: how one paints a candidate from its z and seed, so a batch can be drawn from a
proposal, shown, picked, painted again and learned from, as the style sessions' candidates are.

A canvas model (DCGAN) paints from z alone. A translation model (pix2pix, CycleGAN: a U-Net) paints its source image,
and its z is one number, the stroke scale: the source is painted at between half and all of its size and the result
enlarged back, so a low z gives coarser strokes and a high one finer (the U-Net's texture lives at its own pixel
scale; without this its candidates differed only by dropout noise, about 1-6% of a pixel's range, near-copies). Its
seeded dropout is the rest of its noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .dcgan import CanvasGenerator

TRANSLATION_Z = 1  # a translation model's z: its stroke scale
MIN_PAINTED_SIDE = 32  # a source is never painted smaller than this (the U-Net's innermost level needs a few pixels)


def candidate_z_dim(model: nn.Module) -> int:
    """The size of a candidate's z for this model."""
    return model.z_dim if isinstance(model, CanvasGenerator) else TRANSLATION_Z


def stroke_scale(z: float) -> float:
    """The share of its size a translation model paints its source at: 2^(tanh(z)/2 - 1/2), from 1/2 (coarse) to 1
    (fine); 0.71 at z = 0, the prior's middle."""
    return 2.0 ** (0.5 * math.tanh(z) - 0.5)


def paint(model: nn.Module, source: torch.Tensor | None, z: torch.Tensor, seeds: Sequence[int]) -> torch.Tensor:
    """(N, 3, H, W) candidates in [-1, 1], one per row of z (N, Z) and seed; differentiable (a round trains through it).

    source: (1, 3, H, W) in [-1, 1], the image a translation model paints (None for a canvas model, which paints at
    its own size; the seeds are then unused).
    """
    if isinstance(model, CanvasGenerator):
        return model(z)
    if source is None:
        raise ValueError("A translation model paints an image: give it one.")
    h, w = source.shape[-2:]
    out = []
    for z_row, seed in zip(z, seeds, strict=True):
        scale = stroke_scale(float(z_row[0]))
        small = (max(MIN_PAINTED_SIDE, round(h * scale)), max(MIN_PAINTED_SIDE, round(w * scale)))
        painted = model(F.interpolate(source, size=small, mode="bilinear", antialias=True, align_corners=False),
                        torch.Generator().manual_seed(int(seed)))  # fmt: skip
        out.append(F.interpolate(painted, size=(h, w), mode="bilinear", align_corners=False))
    return torch.cat(out).clamp(-1, 1)


def candidate_seeds(seed: int, n: int) -> list[int]:
    """The noise seeds of a batch's n candidates: the batch's seed plus the candidate's position."""
    return [seed + position for position in range(n)]
