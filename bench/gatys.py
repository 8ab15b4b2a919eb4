"""Gatys et al.'s optimisation on the app's own loss network: the ceiling a feed-forward generator can aim for.

The pixels of the photo are optimised directly (Adam) against the same balanced loss the generator trains with: each
style layer's Gram error divided by its starting error, plus the relative relu3_3 content error.
"""

from __future__ import annotations

import torch
from PIL import Image

from stylegan_app.config import LossConfig, TrainConfig
from stylegan_app.engine.images import pil_to_tensor, resize_long_side, tensor_to_pil
from stylegan_app.engine.losses import gram, relative_content_loss, style_layer_losses, total_variation
from stylegan_app.engine.lossnet import LossNetwork


def gatys(photo: Image.Image, painting: Image.Image, lossnet: LossNetwork, size: int = 256, steps: int = 250,
          lr: float = 0.02, cfg: LossConfig = LossConfig()) -> Image.Image:  # fmt: skip
    """The photo at `size` long side, its pixels optimised toward the painting's Grams for `steps` Adam steps."""
    content = pil_to_tensor(resize_long_side(photo, size))
    with torch.no_grad():
        targets = [gram(f) for f in lossnet(pil_to_tensor(resize_long_side(painting, TrainConfig.style_size)))]
        feats = lossnet(content)
        content_target = getattr(feats, cfg.content_layer)
        scale = style_layer_losses([gram(f) for f in feats], targets)[0].clamp_min(1e-12)  # (L,) starting errors
    weights = torch.tensor(cfg.layer_weights) / scale
    x = content.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=lr)
    for _ in range(steps):
        feats = lossnet(x)
        s_loss = (style_layer_losses([gram(f) for f in feats], targets)[0] * weights).sum()
        c_loss = relative_content_loss(getattr(feats, cfg.content_layer), content_target)[0]
        loss = cfg.style_weight * s_loss + cfg.content_weight * c_loss + cfg.tv_weight * total_variation(x)[0]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            x.clamp_(-1.0, 1.0)
    return tensor_to_pil(x.detach())
