"""A painting a multi-style network never saw gets a style code of its own, fitted with the network frozen.

First a blend of the network's codes, weighted by how close what each code paints is to the new painting (Gram
distance), then a few Adam steps on the code alone: the balanced Gram loss of what the network paints with it against the new
painting, plus the relative content term. Only style_dim numbers move, so it takes seconds, not a fine-tune.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from PIL import Image

from stylegan_app.config import CodeFitConfig, LossConfig

from .crops import CropSampler
from .generator import Generator
from .images import pil_to_tensor, resize_long_side
from .losses import gram, relative_content_loss, style_layer_losses
from .lossnet import LossNetwork, bf16_autocast
from .progress import Progress
from .sampling import seeded_z

GRAM_SIDE = 256  # long side the paintings are compared at


@torch.no_grad()
def painting_grams(lossnet: LossNetwork, painting: Image.Image) -> list[torch.Tensor]:
    """Per layer (1, C, C): the Gram matrices of a painting at GRAM_SIDE."""
    return [gram(f) for f in lossnet(pil_to_tensor(resize_long_side(painting, GRAM_SIDE)))]


def gram_distance(a: Sequence[torch.Tensor], b: Sequence[torch.Tensor]) -> float:
    """Relative Gram distance summed over layers: sum_l |a_l - b_l| / |b_l|."""
    return sum(float((x - y).norm() / y.norm().clamp_min(1e-12)) for x, y in zip(a, b, strict=True))


@torch.no_grad()
def starting_blend(
    network: Generator, lossnet: LossNetwork, crops: torch.Tensor, z: torch.Tensor, target: Sequence[torch.Tensor], temperature: float
) -> torch.Tensor:
    """(n_styles,) weights over the network's codes: softmax of minus the relative Gram distance between what each code
    paints of the crops (B, 3, h, w) and the target Grams (per layer (1, C, C))."""
    distances = []
    for code in network.style_codes:
        with bf16_autocast(crops.device.type):
            feats = lossnet(network(crops, z, code[None]))
        grams = [gram(f.float()).mean(0, keepdim=True) for f in feats]
        distances.append(gram_distance(grams, target))
    distances = torch.tensor(distances)
    return torch.softmax(-(distances - distances.min()) / temperature, dim=0)


def fit_style_code(
    network: Generator,
    painting: Image.Image,
    photos: Sequence[Image.Image],
    lossnet: LossNetwork,
    cfg: CodeFitConfig = CodeFitConfig(),
    loss_cfg: LossConfig = LossConfig(),
    device: str = "cpu",
    progress: Progress | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """A code (style_dim,) that makes the frozen network paint like `painting`, from crops of the photos, and the blend of
    the network's codes (n_styles,) it started from (engine/taste.py keeps both)."""
    if network.style_codes is None:
        raise ValueError("Only a multi-style network has style codes to fit.")
    if not photos:
        raise ValueError("Fitting a style code needs at least one photo.")
    network = network.to(device).eval().requires_grad_(False)
    lossnet = lossnet.to(device)
    target = [g.to(device) for g in painting_grams(lossnet, painting)]
    rng = torch.Generator().manual_seed(cfg.seed)
    crops = CropSampler([pil_to_tensor(resize_long_side(p, 2 * cfg.crop)) for p in photos], cfg.crop)
    fixed = crops.sample(cfg.batch, rng).to(device)  # the same crops every step: a few steps, no noise between them
    z = seeded_z(cfg.seed, cfg.batch, network.z_dim).to(device)
    weights = starting_blend(network, lossnet, fixed, z, target, cfg.blend_temperature).to(device)
    code = (weights @ network.style_codes.detach()).clone().requires_grad_(True)
    with torch.no_grad():
        feats = lossnet(fixed)
        content = getattr(feats, loss_cfg.content_layer)
        scale = style_layer_losses([gram(f) for f in feats], target).mean(0).clamp_min(1e-12)  # each layer starts at 1
    opt = torch.optim.Adam([code], lr=cfg.lr)
    for step in range(cfg.steps):
        out = network(fixed, z, code[None])
        with bf16_autocast(device):
            feats = lossnet(out)
        feats = type(feats)(*(f.float() for f in feats))
        style = (style_layer_losses([gram(f) for f in feats], target) / scale).sum(1)
        loss = (style + cfg.content_weight * relative_content_loss(getattr(feats, loss_cfg.content_layer), content)).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if progress is not None:
            progress((step + 1) / cfg.steps, f"fitting a style code for your painting: step {step + 1}/{cfg.steps}")
    return code.detach(), weights.detach()
