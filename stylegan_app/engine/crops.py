"""Random square crops with horizontal flips, drawn from a seeded generator: the one crop sampler."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from PIL import Image

from .images import pil_to_tensor, resize_long_side


def upscale_to(image: torch.Tensor, crop: int) -> torch.Tensor:
    """(1, 3, H, W), upscaled (bilinear) so its short side is at least crop; unchanged when it already is."""
    h, w = image.shape[-2:]
    if min(h, w) >= crop:
        return image
    scale = crop / min(h, w)
    size = (max(crop, round(h * scale)), max(crop, round(w * scale)))
    return F.interpolate(image, size=size, mode="bilinear", align_corners=False)


def random_crop(image: torch.Tensor, crop: int, rng: torch.Generator) -> torch.Tensor:
    """(1, 3, crop, crop) from a (1, 3, H, W) image at a random position, flipped half of the time."""
    image = upscale_to(image, crop)
    h, w = image.shape[-2:]
    top = int(torch.randint(h - crop + 1, (1,), generator=rng))
    left = int(torch.randint(w - crop + 1, (1,), generator=rng))
    out = image[..., top : top + crop, left : left + crop]
    return out.flip(-1) if torch.rand((), generator=rng) < 0.5 else out


class CropSampler:
    """Samples (n, 3, crop, crop) batches from images of shape (1, 3, H, W)."""

    def __init__(self, images: list[torch.Tensor], crop: int) -> None:
        if not images:
            raise ValueError("CropSampler needs at least one image")
        self.crop = crop
        self.images = [upscale_to(img, crop) for img in images]

    def sample(self, n: int, rng: torch.Generator) -> torch.Tensor:
        """n crops, each from a random image at a random position, flipped half of the time."""
        crops = []
        for _ in range(n):
            image = self.images[int(torch.randint(len(self.images), (1,), generator=rng))]
            crops.append(random_crop(image, self.crop, rng))
        return torch.cat(crops)


def image_sampler(images: Sequence[Image.Image], side: int, crop: int) -> CropSampler:
    """A CropSampler over these images, each resized to this long side first."""
    return CropSampler([pil_to_tensor(resize_long_side(image.convert("RGB"), side)) for image in images], crop)
