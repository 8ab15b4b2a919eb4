"""Random square crops with horizontal flips from a fixed set of images, drawn from a seeded generator."""

from __future__ import annotations

import torch
import torch.nn.functional as F


class CropSampler:
    """Samples (n, 3, crop, crop) batches from images of shape (1, 3, H, W)."""

    def __init__(self, images: list[torch.Tensor], crop: int) -> None:
        if not images:
            raise ValueError("CropSampler needs at least one image")
        self.crop = crop
        self.images = [self._at_least(img, crop) for img in images]

    @staticmethod
    def _at_least(image: torch.Tensor, crop: int) -> torch.Tensor:
        """Upscale an image whose short side is below the crop size."""
        h, w = image.shape[-2:]
        if min(h, w) >= crop:
            return image
        scale = crop / min(h, w)
        size = (max(crop, round(h * scale)), max(crop, round(w * scale)))
        return F.interpolate(image, size=size, mode="bilinear", align_corners=False)

    def sample(self, n: int, rng: torch.Generator) -> torch.Tensor:
        """n crops, each from a random image at a random position, flipped half of the time."""
        crops = []
        for _ in range(n):
            image = self.images[int(torch.randint(len(self.images), (1,), generator=rng))]
            h, w = image.shape[-2:]
            top = int(torch.randint(h - self.crop + 1, (1,), generator=rng))
            left = int(torch.randint(w - self.crop + 1, (1,), generator=rng))
            crop = image[..., top : top + self.crop, left : left + self.crop]
            if torch.rand((), generator=rng) < 0.5:
                crop = crop.flip(-1)
            crops.append(crop)
        return torch.cat(crops)
