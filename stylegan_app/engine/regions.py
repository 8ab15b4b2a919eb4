"""Regions: parts of the photo, each painted in its own style, as one map of style codes with soft seams.

A region is a mask over the photo (white = the region) and a style code. Each mask is checked, binarised and cleaned
of specks, then feathered (a Gaussian blur) so styles blend over a band at the seam; where regions overlap, the later
one is on top. Every place's code is the mix of the regions' codes and the session's by those soft weights: one
forward pass of the multi-style generator paints them all (Generator.forward takes the map).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

FEATHER = 0.03  # the seam's blur (Gaussian sigma) as a share of the photo's long side
SPECK = 0.01  # brush specks narrower than this share of the long side are removed
GRID = 8  # the code map's cell, in pixels: the generator's body works at 1/8 of the photo


def check_mask(mask: Image.Image, size: tuple[int, int]) -> torch.Tensor:
    """A mask of the photo's size (width, height) as an (H, W) tensor of 0s and 1s (white = the region), cleaned of specks.

    mask: as images.decode_mask gives it (mode L; a brush layer's opacity). ValueError when the size differs or when
    nothing or everything is covered.
    """
    if not isinstance(mask, Image.Image):
        raise ValueError("A region's mask must be an image (white where the region is).")
    if mask.size != tuple(size):
        raise ValueError(f"A region's mask is {mask.size[0]}x{mask.size[1]} px but the photo is {size[0]}x{size[1]}: "
                         "draw it over the photo itself.")  # fmt: skip
    values = np.asarray(mask.convert("L"), dtype=np.float32) / 255.0
    binary = clean(torch.from_numpy(values >= 0.5).float(), max(1, round(SPECK * max(size))))
    covered = float(binary.mean())
    if covered == 0.0:
        raise ValueError("A region's mask is empty: paint over the part of the photo it should cover.")
    if covered == 1.0:
        raise ValueError("A region's mask covers the whole photo: choose that painting as the style instead.")
    return binary


def dilate(x: torch.Tensor, radius: int) -> torch.Tensor:
    """(H, W) grown by `radius` px: each place takes the largest value within a square of side 2 * radius + 1."""
    return F.max_pool2d(x[None, None], 2 * radius + 1, stride=1, padding=radius)[0, 0]


def erode(x: torch.Tensor, radius: int) -> torch.Tensor:
    """(H, W) shrunk by `radius` px (the smallest value within the square)."""
    return -dilate(-x, radius)


def clean(binary: torch.Tensor, speck: int) -> torch.Tensor:
    """(H, W) 0/1 -> the same without specks and pinholes narrower than about `speck` px (a morphological open, then close)."""
    radius = max(1, speck // 2)
    return erode(dilate(dilate(erode(binary, radius), radius), radius), radius)


def blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """(H, W) blurred by a separable Gaussian of this sigma (px), borders replicated."""
    radius = max(1, round(3 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-(t**2) / (2 * sigma**2))
    kernel = kernel / kernel.sum()
    y = F.pad(x[None, None], (radius, radius, radius, radius), mode="replicate")
    y = F.conv2d(y, kernel.view(1, 1, 1, -1))
    return F.conv2d(y, kernel.view(1, 1, -1, 1))[0, 0]


def soft_weights(masks: Sequence[torch.Tensor]) -> torch.Tensor:
    """(R, H, W) 0/1 masks -> (R + 1, H, W) weights that sum to 1 at every place: the session's style first, then each
    region's, feathered at the seams; a later region covers an earlier one."""
    h, w = masks[0].shape
    sigma = FEATHER * max(h, w)
    weights = [torch.ones(h, w)]
    for mask in masks:
        soft = blur(mask.float(), sigma).clamp(0.0, 1.0)
        weights = [weight * (1.0 - soft) for weight in weights] + [soft]
    return torch.stack(weights)


@dataclass(frozen=True)
class CodeMap:
    """Style codes over the image: one code per region for each candidate, and where each region lies.

    codes: (N, R + 1, D), the session's code first, then each region's (one row per candidate: an explorer's session
    code differs from the taste's); weights: (R + 1, h, w), soft, summing to 1 at every place (shared by the batch).
    The generator reads the code at each place as the weights' blend of the codes, and normalises each region's
    features by that region's own statistics, so what one region paints does not shift another's colours.
    """

    codes: torch.Tensor
    weights: torch.Tensor

    def __len__(self) -> int:
        return self.codes.shape[0]

    def __getitem__(self, rows: slice) -> CodeMap:
        return CodeMap(self.codes[rows], self.weights)

    def to(self, *args: object, **kwargs: object) -> CodeMap:
        """Both tensors moved, like Tensor.to."""
        return CodeMap(self.codes.to(*args, **kwargs), self.weights.to(*args, **kwargs))

    def weights_at(self, size: tuple[int, int]) -> torch.Tensor:
        """(R + 1, *size): the weights resized (bilinear, so they still sum to 1)."""
        return F.interpolate(self.weights[None], size=size, mode="bilinear", align_corners=False)[0]

    def places(self, size: tuple[int, int]) -> torch.Tensor:
        """(N, D, *size): the code at every place."""
        return torch.einsum("nrd,rhw->ndhw", self.codes, self.weights_at(size).to(self.codes))


def code_map(base: torch.Tensor, regions: Sequence[tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor | CodeMap:
    """The session's code (N, D) or (D,) and (mask (H, W), code (D,)) per region -> their CodeMap, on a grid of
    H/GRID x W/GRID cells; with no regions, the codes (N, D) as they are."""
    base = base.reshape(-1, base.shape[-1])
    if not regions:
        return base
    weights = soft_weights([mask for mask, _ in regions])  # (R + 1, H, W)
    h, w = weights.shape[-2:]
    weights = F.adaptive_avg_pool2d(weights[None], (max(1, round(h / GRID)), max(1, round(w / GRID))))[0]  # (R + 1, h, w)
    own = torch.stack([code.to(base) for _, code in regions])  # (R, D)
    return CodeMap(torch.cat([base[:, None], own[None].expand(base.shape[0], -1, -1)], dim=1), weights)


OUTLINE_COLOURS = ((255, 215, 0), (0, 200, 255), (255, 80, 160), (120, 255, 120))


def outline(photo: Image.Image, masks: Sequence[Image.Image]) -> Image.Image:
    """The photo with each region tinted and outlined in its own colour (masks mode L, any size: scaled to the photo's)."""
    out = photo.convert("RGB")
    width = max(2, round(0.006 * max(out.size)))
    for number, mask in enumerate(masks):
        colour = OUTLINE_COLOURS[number % len(OUTLINE_COLOURS)]
        inside = torch.from_numpy(np.asarray(mask.convert("L").resize(out.size, Image.Resampling.NEAREST)) > 127).float()
        grown = dilate(inside, width)
        edge = Image.fromarray(((grown - inside) * 255).byte().numpy(), mode="L")
        tint = Image.fromarray((inside * 70).byte().numpy(), mode="L")
        solid = Image.new("RGB", out.size, colour)
        out = Image.composite(solid, out, tint)
        out = Image.composite(solid, out, edge)
    return out
