"""Pure loss functions. Per-sample losses return shape (B,) so callers can weight each sample."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F


def gram(f: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, C, C), divided by C*H*W."""
    b, c, h, w = f.shape
    flat = f.reshape(b, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def content_loss(features: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared feature difference per sample: (B, C, H, W) x2 -> (B,)."""
    return (features - target).pow(2).flatten(1).mean(dim=1)


def relative_content_loss(features: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """content_loss over the target's own mean square (1 = as far off as all-zero features): (B, C, H, W) x2 -> (B,)."""
    return content_loss(features, target) / target.pow(2).flatten(1).mean(1).clamp_min(1e-12)


def style_layer_losses(grams: Sequence[torch.Tensor], targets: Sequence[torch.Tensor]) -> torch.Tensor:
    """Mean squared difference of Gram matrices per sample and layer.

    grams[l], targets[l]: (B, C_l, C_l) (targets may be (1, C_l, C_l)). Returns (B, L).
    """
    return torch.stack([(g - t).pow(2).mean(dim=(1, 2)) for g, t in zip(grams, targets, strict=True)], dim=1)


def style_loss(grams: Sequence[torch.Tensor], targets: Sequence[torch.Tensor], layer_weights: torch.Tensor) -> torch.Tensor:
    """style_layer_losses weighted by layer and summed: layer_weights (B, L) or (L,). Returns (B,)."""
    weights = layer_weights if layer_weights.dim() == 2 else layer_weights.unsqueeze(0)
    return (style_layer_losses(grams, targets) * weights).sum(dim=1)


def user_weighted_target(style_gram: torch.Tensor, pick_grams: torch.Tensor, ratings: torch.Tensor, style_weight: float) -> torch.Tensor:
    """T = (lambda * Gram(style) + sum_i r_i * Gram(pick_i)) / (lambda + sum_i r_i).

    style_gram: (C, C) or (1, C, C); pick_grams: (N, C, C); ratings: (N,). Returns (1, C, C).
    """
    if pick_grams.shape[0] != ratings.shape[0]:
        raise ValueError("one rating per pick is needed")
    if (ratings < 0).any() or style_weight < 0 or style_weight + float(ratings.sum()) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    weighted = style_weight * style_gram.reshape(1, *pick_grams.shape[1:]) + (ratings.view(-1, 1, 1) * pick_grams).sum(0, keepdim=True)
    return weighted / (style_weight + ratings.sum())


def contrast_target(shown_grams: torch.Tensor, picked_grams: torch.Tensor, beta: float, max_step: float) -> torch.Tensor:
    """T = mean(shown) + beta * (mean(picked) - mean(shown)), the step's norm capped at max_step * |mean(shown)|.

    shown_grams: (N, C, C); picked_grams: (M, C, C). Returns (1, C, C).
    """
    shown = shown_grams.mean(0, keepdim=True)
    step = beta * (picked_grams.mean(0, keepdim=True) - shown)
    limit = max_step * shown.norm()
    norm = step.norm()
    if norm > limit:
        step = step * (limit / norm)
    return shown + step


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference of neighbouring pixels: (B, C, H, W) -> (B,)."""
    dh = (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().flatten(1).mean(1)
    dw = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs().flatten(1).mean(1)
    return dh + dw


def out_of_range(x: torch.Tensor) -> torch.Tensor:
    """Mean squared excess of pixel values beyond [-1, 1]: (B, C, H, W) -> (B,)."""
    return F.relu(x.abs() - 1.0).pow(2).flatten(1).mean(1)


def hinge_d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Discriminator hinge loss on PatchGAN logit maps -> scalar."""
    return F.relu(1.0 - real_logits).mean() + F.relu(1.0 + fake_logits).mean()


def hinge_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Generator side of the hinge loss -> scalar."""
    return -fake_logits.mean()


def mode_seeking(out_a: torch.Tensor, out_b: torch.Tensor, z_a: torch.Tensor, z_b: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """MSGAN diversity term: 1 / (mean |G(c,z_a) - G(c,z_b)| / mean |z_a - z_b|) -> scalar.

    Minimising it pushes outputs of the same content apart in proportion to how far their z's are.
    out_*: (B, 3, H, W); z_*: (B, Z).
    """
    image_dist = (out_a - out_b).abs().flatten(1).mean(1)
    z_dist = (z_a - z_b).abs().mean(1)
    return (1.0 / (image_dist / z_dist + eps)).mean()


def gan_terms(
    fake_logits: torch.Tensor | None, out: torch.Tensor, z: torch.Tensor, adv_weight: float, diversity_weight: float
) -> tuple[torch.Tensor, dict[str, float]]:
    """The generator's weighted hinge and mode-seeking terms (a scalar) and their unweighted values by name.

    fake_logits: D(out), None when adv_weight is 0; out: (2k, 3, H, W) where samples i and i + k share their
    content and differ in z; z: (2k, Z).
    """
    k = out.shape[0] // 2
    total, values = out.new_zeros(()), {}
    if adv_weight > 0:
        g_adv = hinge_g_loss(fake_logits)
        total = total + adv_weight * g_adv
        values["g_adv"] = g_adv.item()
    if diversity_weight > 0:
        div = mode_seeking(out[:k], out[k:], z[:k], z[k:])
        total = total + diversity_weight * div
        values["diversity"] = div.item()
    return total, values
