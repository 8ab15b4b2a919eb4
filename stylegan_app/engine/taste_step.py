"""The generator update every personalisation round shares (a style session's, engine/personalize.py, and a GAN
session's, engine/gan_round.py): relative content and per-layer style terms against precomputed targets, the PatchGAN
and mode-seeking terms, the anchor to the round's starting weights, one clipped Adam step."""

from __future__ import annotations

import torch

from stylegan_app.config import STYLE_LAYERS

from .losses import content_loss, gan_terms, gram, out_of_range, style_layer_losses
from .lossnet import Features, bf16_autocast


class TasteStep:
    """The generator update every round shares: relative content and per-layer style terms against precomputed targets
    of its training pairs, the PatchGAN and mode-seeking terms, the anchor, one clipped Adam step.

    A round's trainer sets cfg, loss_cfg, device, lossnet, generator, anchor, opt_g, discriminator, content_feats,
    content_scale, targets and style_scales, and step_index, then calls generator_step from its step()."""

    def generator_step(self, out: torch.Tensor, pairs: torch.Tensor | list[int], z: torch.Tensor, diversity: float) -> dict[str, float]:
        """One G update on the painted pairs out (B, 3, H, W) with these indices into the targets, the mode-seeking term
        at weight diversity; returns the losses."""
        cfg, losses = self.cfg, {}
        with bf16_autocast(self.device, cfg.bf16_lossnet):
            feats = self.lossnet(out)
        feats = Features(*(f.float() for f in feats))
        c_loss = content_loss(feats.relu2_2, self.content_feats[pairs]) / self.content_scale
        # Each layer weighted by 1 / its target's squared size, so the four layers count alike.
        per_layer = style_layer_losses([gram(f) for f in feats], [t[pairs] for t in self.targets]) / self.style_scales  # (B, L)
        s_loss = per_layer.sum(1)
        excess = out_of_range(out)
        total = (cfg.content_weight * c_loss + cfg.style_weight * s_loss + self.loss_cfg.range_weight * excess).mean()
        fake_logits = self.discriminator.frozen_logits(out) if cfg.adv_weight > 0 else None
        gan, gan_values = gan_terms(fake_logits, out, z, cfg.adv_weight, diversity)
        losses.update(gan_values)
        anchor = torch.stack([(p - a).pow(2).sum() for p, a in zip(self.generator.parameters(), self.anchor, strict=True)]).sum()
        total = total + gan + cfg.anchor_weight * anchor
        self.opt_g.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(self.generator.parameters(), 50.0)
        self.opt_g.step()
        self.step_index += 1
        losses.update(content=c_loss.mean().item(), style=cfg.style_weight * s_loss.mean().item(), anchor=anchor.item(), total=total.item())
        for name, value in zip(STYLE_LAYERS, per_layer.mean(0).tolist(), strict=True):
            losses[f"style_{name}"] = cfg.style_weight * value
        return losses
