"""What z means during training: per-sample loss weights and Gram targets chosen by z.

Following "Adjustable Real-time Style Transfer" (Babaeizadeh and Ghiasi), z selects the loss each
sample is trained with, so the generator has to read z and different z give different paintings:
  z[0:4]  log-weights of the style layers relu1_2 ... relu4_3 (fine vs coarse texture)
  z[4]    log-weight of the content loss (more or less abstraction)
  z[5]    stroke scale: the style image's Gram at a smaller or larger scale
  z[6]    palette: the style image's Gram after a hue rotation
  z[7:]   free, kept apart by the mode-seeking term only
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch
from PIL import Image

from stylegan_app.config import LossConfig

from .images import pil_to_tensor, resize_long_side
from .losses import gram
from .lossnet import LossNetwork

KNOB_DIMS = 7


@dataclass(frozen=True)
class Knobs:
    """Loss settings of each sample in a batch."""

    layer_weights: torch.Tensor  # (B, 4)
    content_weight: torch.Tensor  # (B,)
    scale: torch.Tensor  # (B,) in (-1, 1): smaller ... larger strokes
    hue: torch.Tensor  # (B,) in (-1, 1): palette rotated one way ... the other


def z_knobs(z: torch.Tensor, cfg: LossConfig, layer_scale: torch.Tensor | None = None) -> Knobs:
    """Map noise (B, Z) with Z >= 7 to per-sample loss settings.

    layer_scale (4,): each style layer's starting error; the layer weights are divided by it, so the configured
    weights are the layers' shares (None: no scaling).
    """
    if z.shape[1] < KNOB_DIMS:
        raise ValueError(f"z needs at least {KNOB_DIMS} dimensions, got {z.shape[1]}")
    base = torch.tensor(cfg.layer_weights, device=z.device, dtype=z.dtype)
    if layer_scale is not None:
        base = base / layer_scale.to(device=z.device, dtype=z.dtype)
    z = z.clamp(-2.5, 2.5)  # the rare |z| > 2.5 would weight a layer by more than exp(2.5 * spread)
    return Knobs(
        layer_weights=base * torch.exp(cfg.weight_spread * z[:, 0:4]),
        content_weight=cfg.content_weight * torch.exp(cfg.weight_spread * z[:, 4]),
        scale=torch.tanh(z[:, 5]),
        hue=torch.tanh(z[:, 6]),
    )


def shift_hue(image: Image.Image, degrees: float) -> Image.Image:
    """Rotate the hue of an RGB image, keeping saturation and value."""
    if degrees == 0:
        return image
    h, s, v = image.convert("HSV").split()
    offset = round(degrees / 360.0 * 256)
    h = h.point(lambda p: (p + offset) % 256)
    return Image.merge("HSV", (h, s, v)).convert("RGB")


def hat_weights(coord: torch.Tensor, n: int) -> torch.Tensor:
    """Linear interpolation weights over n evenly spaced grid points on [-1, 1]: (B,) -> (B, n)."""
    position = (coord + 1.0) * (n - 1) / 2.0  # in [0, n-1]
    grid = torch.arange(n, device=coord.device, dtype=coord.dtype)
    return (1.0 - (position[:, None] - grid[None, :]).abs()).clamp(min=0.0)


class StyleTargets:
    """Gram matrices of one style image over a grid of scales x hue shifts, interpolated by z."""

    def __init__(self, grams: list[torch.Tensor], n_scales: int, n_hues: int) -> None:
        self.grams = grams  # per layer: (n_scales * n_hues, C, C), scale-major
        self.n_scales, self.n_hues = n_scales, n_hues

    @classmethod
    @torch.no_grad()
    def from_image(cls, lossnet: LossNetwork, style: Image.Image, cfg: LossConfig, style_size: int, device: str) -> StyleTargets:
        """Compute the Gram grid of a style image (long side style_size at scale 1)."""
        per_variant = []
        for scale in cfg.style_scales:
            sized = resize_long_side(style, max(32, round(style_size * scale)))
            for degrees in cfg.hue_shifts:
                feats = lossnet(pil_to_tensor(shift_hue(sized, degrees)).to(device))
                per_variant.append([gram(f)[0] for f in feats])
        grams = [torch.stack(layer) for layer in zip(*per_variant, strict=True)]
        return cls(grams, len(cfg.style_scales), len(cfg.hue_shifts))

    def centre(self) -> list[torch.Tensor]:
        """Grams of the style image itself (scale 1, no hue shift): per layer (1, C, C)."""
        index = (self.n_scales // 2) * self.n_hues + self.n_hues // 2
        return [g[index : index + 1] for g in self.grams]

    def for_knobs(self, knobs: Knobs) -> list[torch.Tensor]:
        """Per-sample targets: per layer (B, C, C)."""
        weights = hat_weights(knobs.scale, self.n_scales)[:, :, None] * hat_weights(knobs.hue, self.n_hues)[:, None, :]
        weights = weights.flatten(1)  # (B, n_scales * n_hues)
        return [torch.einsum("bk,kij->bij", weights, g) for g in self.grams]


def targets_for(paintings: Sequence[StyleTargets], ids: torch.Tensor, knobs: Knobs) -> list[torch.Tensor]:
    """Per layer (B, C, C): sample b's target is painting ids[b]'s Gram grid at sample b's knobs."""
    out: list[torch.Tensor] | None = None
    for index in ids.unique().tolist():
        rows = (ids == index).nonzero().flatten()
        chosen = paintings[index].for_knobs(replace(knobs, scale=knobs.scale[rows], hue=knobs.hue[rows]))
        if out is None:
            out = [g.new_empty(ids.shape[0], *g.shape[1:]) for g in chosen]
        for layer, grams in zip(out, chosen, strict=True):
            layer[rows.to(layer.device)] = grams
    return out
