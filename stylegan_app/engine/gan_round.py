"""A personalisation round for the other GANs' models (a sketch, collection or canvas model), the same round as the
style sessions' (engine/personalize.py) on what these models paint from:

1. the proposal over z moves toward the picked z's (a canvas's noise, a translation's stroke scale);
2. a copy of the model is fine-tuned so that what it paints moves one taste step in Gram space, the contrast target
   of the picks against what was shown (taste_step, with the model's own shown candidates as its style): each
   training pair's target is the round's starting model's Gram plus that step, its content target the starting
   model's own relu2_2 features, both relative to their size; a PatchGAN learns the picks as the real examples, and an
   L2 pull keeps the weights near the round's start.

With no step every term is zero at the start, so a round cannot drift. Canvases are painted at their model's size
and enlarged to CANVAS_LOSS_SIDE for the loss network, whose deepest layer needs more than a 64 px canvas.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from stylegan_app.config import STYLE_LAYERS, LossConfig, PersonalizeConfig

from .dcgan import CanvasGenerator
from .discriminator import PatchDiscriminator, discriminator_step
from .gan_candidates import candidate_z_dim, paint
from .images import pil_to_tensor, resize_long_side
from .losses import gram
from .lossnet import LossNetwork
from .personalize import RoundResult, features_of, grams_of, run_round, taste_step, validate_inputs
from .progress import Progress
from .sampling import Proposal
from .taste_step import TasteStep

CANVAS_LOSS_SIDE = 128  # canvases are enlarged to this side (bilinear) before the loss network measures them


@dataclass(frozen=True)
class GanRoundInputs:
    """What a round of a GAN model learns from."""

    source: Image.Image | None  # the drawing or photo a translation model paints; None for a canvas model
    z: torch.Tensor  # (N, Z): the candidates shown this round
    seeds: Sequence[int]  # their noise seeds
    ratings: torch.Tensor  # (N,): 0 = shown, not picked; 1-5 = picked with that rating
    proposal: Proposal  # the round's proposal, before the update


class GanRoundTrainer(TasteStep):
    """The round's fixed training pairs (z, seed), their precomputed targets, and one D + G update per step()."""

    def __init__(self, start: nn.Module, lossnet: LossNetwork, inputs: GanRoundInputs, cfg: PersonalizeConfig,
                 loss_cfg: LossConfig, device: str, progress: Progress | None = None) -> None:  # fmt: skip
        validate_inputs(inputs, candidate_z_dim(start))
        if len(inputs.seeds) != inputs.z.shape[0]:
            raise ValueError("A round needs one noise seed per shown candidate.")
        stage = progress or (lambda fraction, message: None)
        self.cfg, self.loss_cfg, self.device = cfg, loss_cfg, device
        self.rng = torch.Generator().manual_seed(cfg.seed)
        torch.manual_seed(cfg.seed)  # discriminator initialisation
        self.lossnet = lossnet.to(device)
        self.start = start.to(device).eval()
        # eval(): a canvas model's batch norm keeps the statistics it paints with; the U-Net's dropout noise is seeded.
        self.generator = copy.deepcopy(self.start).eval().requires_grad_(True)
        self.anchor = [p.detach().clone() for p in self.start.parameters()]
        self.source = None
        if inputs.source is not None:
            self.source = pil_to_tensor(resize_long_side(inputs.source, cfg.size)).to(device)
        self.discriminator = PatchDiscriminator().to(device)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=cfg.lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=cfg.d_lr, betas=(0.0, 0.99))

        picked = inputs.ratings > 0
        self.proposal = inputs.proposal.update(
            inputs.z[picked], inputs.ratings[picked].float(), rate=cfg.proposal_rate, min_std=cfg.proposal_min_std
        )
        stage(0.2, "preparing your picks: painting the batch you saw again")
        with torch.no_grad():
            shown_images = self._measured(self.start, inputs.z.to(device), list(inputs.seeds))
        stage(0.4, "preparing your picks: measuring the style of each candidate")
        shown = grams_of(lossnet, shown_images, cfg.bf16_lossnet)
        own_manner = [g.mean(0, keepdim=True) for g in shown]  # the model's style is what it paints
        ratings = inputs.ratings[picked].float().to(device)
        steps = taste_step(shown, [g[picked.to(device)] for g in shown], ratings, own_manner, cfg)
        self.picked_images = shown_images[picked.to(device)]  # real examples for the discriminator

        stage(0.7, "preparing the training pairs")
        n = cfg.n_crops
        self.z = self.proposal.sample(cfg.seed, n, cfg.prior_fraction).to(device)
        self.seeds = [cfg.seed + i for i in range(n)]
        with torch.no_grad():
            feats = features_of(self.lossnet, self._measured(self.start, self.z, self.seeds), cfg.bf16_lossnet)
            self.content_feats = torch.cat([f.relu2_2 for f in feats])
            base_grams = [torch.cat([gram(f[layer]) for f in feats]) for layer in range(len(STYLE_LAYERS))]
            self.targets = [g + s for g, s in zip(base_grams, steps, strict=True)]
        self.content_scale = self.content_feats.pow(2).mean()
        self.style_scales = torch.stack([t.pow(2).mean() for t in self.targets])
        self.step_index = 0

    def _measured(self, model: nn.Module, z: torch.Tensor, seeds: list[int]) -> torch.Tensor:
        """What the model paints for these pairs, at the size the loss network measures it."""
        images = paint(model, self.source, z, seeds)
        if isinstance(model, CanvasGenerator):
            images = F.interpolate(images, size=(CANVAS_LOSS_SIDE, CANVAS_LOSS_SIDE), mode="bilinear", align_corners=False)
        return images

    def step(self) -> dict[str, float]:
        """One discriminator update then one generator update on the next batch_crops pairs (twice that for canvases,
        which are small)."""
        cfg = self.cfg
        k = cfg.batch_crops * (2 if self.source is None else 1)
        idx = (torch.arange(self.step_index * k, (self.step_index + 1) * k) % self.z.shape[0]).tolist()
        z = self.z[idx]
        out = self._measured(self.generator, z, [self.seeds[i] for i in idx])
        losses: dict[str, float] = {"step": float(self.step_index + 1)}
        if cfg.adv_weight > 0:
            real_idx = torch.randint(self.picked_images.shape[0], (k,), generator=self.rng).tolist()
            losses["d"] = discriminator_step(self.discriminator, self.opt_d, self.picked_images[real_idx], out)

        losses.update(self.generator_step(out, idx, z, 0.0))  # no mode-seeking term: z's are not paired here
        return losses


def gan_round(
    start: nn.Module,
    lossnet: LossNetwork,
    inputs: GanRoundInputs,
    cfg: PersonalizeConfig = PersonalizeConfig(),
    loss_cfg: LossConfig = LossConfig(),
    device: str = "cpu",
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_step: Callable[[dict[str, float]], None] | None = None,
) -> RoundResult | None:
    """Run one round on a copy of start (start itself is never changed); None if should_stop() said stop."""
    return run_round(lambda stage: GanRoundTrainer(start, lossnet, inputs, cfg, loss_cfg, device, stage), cfg.steps, progress,
                     should_stop, on_step)  # fmt: skip
