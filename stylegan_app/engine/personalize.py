"""One personalisation round: move the proposal toward the picked z's, then fine-tune a copy of G toward the picks.

Where G is a multi-style network, the caller has already moved the session's taste (engine/taste.py) toward the picks:
the shown candidates are painted with their own codes, the fine-tune with the moved taste's code, and the Gram step
below starts from what the moved taste paints, so the fine-tune adds only what the code move did not reach.

The fine-tune target of every (crop, z) pair is what the round's starting generator G_r paints for it,
moved by one taste step shared by all pairs:

    P_l = (lambda * Gram_l(style) + sum_i r_i * Gram_l(pick_i)) / (lambda + sum_i r_i)
    step_l = beta * (P_l - mean_l(shown)), its norm capped       (DESIGN.md: the contrast target)
    target_l(c, z) = Gram_l(G_r(c, z)) + step_l

so each variant keeps its own character (stroke scale, palette) while the whole family moves in the
direction the user chose, and with beta > 1 it keeps moving past the best candidate shown. The content
target is G_r's own relu2_2 features of the pair (G_r already keeps the photo), so with a zero step
every term is zero at G_r and the round cannot drift: a content target taken from the photo instead
pulls the painting back toward the photo and washes out its texture. Each term is relative to the size
of what it compares, so the four style layers count alike. Targets and content features of the fixed
crops are computed once, so each of the few steps is spent on learning.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from PIL import Image

from stylegan_app.config import STYLE_LAYERS, LossConfig, PersonalizeConfig, TrainConfig

from .crops import random_crop
from .discriminator import PatchDiscriminator, discriminator_step
from .generator import Generator
from .images import pil_to_tensor, resize_long_side
from .losses import contrast_target, gram, user_weighted_target
from .lossnet import Features, LossNetwork, bf16_autocast
from .progress import Progress
from .regions import CodeMap
from .sampling import Proposal, render
from .taste_step import TasteStep

SETUP_SHARE = 0.4  # of a round's progress bar: about its share of the time on a 2-core CPU (3.5 s of 8.5)


@dataclass(frozen=True)
class RoundInputs:
    """What a round learns from."""

    photo: Image.Image  # the user's photo
    style: Image.Image  # the session's style image
    z: torch.Tensor  # (N, Z): the candidates shown this round
    ratings: torch.Tensor  # (N,): 0 = shown, not picked; 1-5 = picked with that rating
    proposal: Proposal  # the round's proposal, before the update
    extra_photos: list[Image.Image] = field(default_factory=list)  # bundled photos against overfitting one image
    # A multi-style generator paints with codes: each shown candidate's (N, style_dim), and the code the round's
    # fine-tune paints with (style_dim,), the taste already moved toward the picks (engine/taste.py). None: single-style.
    # Where the photo has regions in other styles, the shown candidates' codes are a CodeMap (engine/regions.py).
    codes: torch.Tensor | CodeMap | None = None
    code: torch.Tensor | None = None
    # What the moved taste paints the whole photo with: (1, style_dim), or a CodeMap where the photo has regions (the
    # fine-tune's crops use `code`). None: `code`.
    moved_code: torch.Tensor | CodeMap | None = None


@dataclass(frozen=True)
class RoundResult:
    """A finished round: the new generator, the moved proposal and the per-step losses."""

    generator: Generator
    proposal: Proposal
    losses: list[dict[str, float]]
    seconds: float


def validate_inputs(inputs: RoundInputs, z_dim: int) -> None:
    """Raise ValueError unless the inputs describe at least one pick among the shown candidates."""
    if inputs.z.ndim != 2 or inputs.z.shape[1] != z_dim or inputs.z.shape[0] == 0:
        raise ValueError(f"A round needs the shown candidates' z as an (N, {z_dim}) tensor.")
    if inputs.ratings.shape != (inputs.z.shape[0],):
        raise ValueError("A round needs one rating (0 for not picked) per shown candidate.")
    if (inputs.ratings < 0).any() or (inputs.ratings > 5).any():
        raise ValueError("Ratings must be between 1 and 5 (0 for a candidate that was not picked).")
    if not (inputs.ratings > 0).any():
        raise ValueError("Pick at least one candidate before learning your taste.")


MOVED_SAMPLES = 4  # z's the moved taste is painted with to measure where the fine-tune starts
FEATURE_BATCH = 4  # images through the loss network at a time while a round sets up: faster than one by one, bounded memory


@torch.no_grad()
def features_of(lossnet: LossNetwork, images: torch.Tensor, bf16: bool) -> list[Features]:
    """The loss network's features of (N, 3, H, W) images, FEATURE_BATCH at a time, in float32 (computed under bfloat16
    autocast where bf16 is asked for and native, as the round's steps are)."""
    out = []
    for chunk in images.split(FEATURE_BATCH):
        with bf16_autocast(chunk.device.type, bf16):
            feats = lossnet(chunk)
        out.append(Features(*(f.float() for f in feats)))
    return out


@torch.no_grad()
def grams_of(lossnet: LossNetwork, images: torch.Tensor, bf16: bool = False) -> list[torch.Tensor]:
    """Per layer (N, C, C) Gram matrices of a batch of images (see features_of)."""
    per_chunk = [[gram(f) for f in feats] for feats in features_of(lossnet, images, bf16)]
    return [torch.cat(layer) for layer in zip(*per_chunk, strict=True)]


def taste_step(
    shown: list[torch.Tensor],
    picked: list[torch.Tensor],
    ratings: torch.Tensor,
    style: list[torch.Tensor],
    cfg: PersonalizeConfig,
    start: list[torch.Tensor] | None = None,
) -> list[torch.Tensor]:
    """Per layer (1, C, C): the Gram step from where the fine-tune starts toward the contrast target of the shown
    candidates, the rating-weighted picks and the style.

    start: per layer (M, C, C), what the round's generator paints before the fine-tune when that is not what was shown
    (the taste already moved); None: the shown candidates themselves.
    """
    steps = []
    for layer, (shown_l, picked_l, style_l) in enumerate(zip(shown, picked, style, strict=True)):
        liked = user_weighted_target(style_l, picked_l, ratings, cfg.style_lambda)
        base = shown_l if start is None else start[layer]
        steps.append(contrast_target(shown_l, liked, cfg.beta, cfg.max_step) - base.mean(0, keepdim=True))
    return steps


class RoundTrainer(TasteStep):
    """The fixed training pairs of one round, their precomputed targets, and one D + G update per step()."""

    def __init__(
        self,
        start: Generator,
        lossnet: LossNetwork,
        inputs: RoundInputs,
        cfg: PersonalizeConfig,
        loss_cfg: LossConfig,
        device: str,
        progress: Progress | None = None,
    ) -> None:
        """progress: called at each stage of the set-up with its share of the set-up done (0 to 1)."""
        validate_inputs(inputs, start.z_dim)
        stage = progress or (lambda fraction, message: None)
        self.cfg, self.loss_cfg, self.device = cfg, loss_cfg, device
        self.rng = torch.Generator().manual_seed(cfg.seed)
        torch.manual_seed(cfg.seed)  # discriminator initialisation
        self.lossnet = lossnet.to(device)
        self.start = start.to(device).eval()
        self.generator = copy.deepcopy(self.start).train().requires_grad_(True)  # the user's copy; start stays as it is
        if self.generator.style_codes is not None:
            self.generator.style_codes.requires_grad_(False)  # the codes are the taste's coordinates: they stay put
        self.code = None if inputs.code is None else inputs.code.to(device)[None]  # (1, style_dim)
        self.anchor = [p.detach().clone() for p in self.start.parameters()]
        self.discriminator = PatchDiscriminator().to(device)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=cfg.lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=cfg.d_lr, betas=(0.0, 0.99))

        picked = inputs.ratings > 0
        self.proposal = inputs.proposal.update(
            inputs.z[picked], inputs.ratings[picked].float(), rate=cfg.proposal_rate, min_std=cfg.proposal_min_std
        )
        photo = pil_to_tensor(resize_long_side(inputs.photo, cfg.size)).to(device)
        stage(0.15, "preparing your picks: painting the batch you saw again")
        shown_images = render(self.start, photo, inputs.z.to(device), None if inputs.codes is None else inputs.codes.to(device))
        stage(0.25, "preparing your picks: measuring the style of each candidate")
        shown = grams_of(lossnet, shown_images, cfg.bf16_lossnet)
        style = grams_of(lossnet, pil_to_tensor(resize_long_side(inputs.style, TrainConfig().style_size)).to(device), cfg.bf16_lossnet)
        ratings = inputs.ratings[picked].float().to(device)
        moved = None  # what the moved taste paints, from a few of the shown z's (a mean needs only a few)
        if self.code is not None:
            whole = self.code if inputs.moved_code is None else inputs.moved_code.to(device)
            moved = grams_of(lossnet, render(self.start, photo, inputs.z[:MOVED_SAMPLES].to(device), whole), cfg.bf16_lossnet)
        self.step_grams = taste_step(shown, [g[picked.to(device)] for g in shown], ratings, style, cfg, start=moved)
        self.picked_images = shown_images[picked.to(device)]  # real examples for the discriminator

        stage(0.7, "preparing the training pairs from your photo")
        crops = self._fixed_crops(photo, [pil_to_tensor(resize_long_side(p, cfg.size)) for p in inputs.extra_photos])
        n = crops.shape[0]
        self.crops = crops.to(device)
        self.z = self.proposal.sample(cfg.seed, 2 * n, cfg.prior_fraction).to(device)  # pair i and i + n share crop i
        with torch.no_grad():
            base = render(self.start, self.crops.repeat(2, 1, 1, 1), self.z, self.code)
            feats = features_of(self.lossnet, base, cfg.bf16_lossnet)
            self.content_feats = torch.cat([f.relu2_2 for f in feats])  # what G_r paints keeps the photo
            base_grams = [torch.cat([gram(f[layer]) for f in feats]) for layer in range(len(STYLE_LAYERS))]
            self.targets = [g + s for g, s in zip(base_grams, self.step_grams, strict=True)]
        # Losses relative to the size of what they compare, so each layer counts and the weights need no retuning.
        self.content_scale = self.content_feats.pow(2).mean()
        self.style_scales = torch.stack([t.pow(2).mean() for t in self.targets])
        self.step_index = 0

    def _fixed_crops(self, photo: torch.Tensor, extras: list[torch.Tensor]) -> torch.Tensor:
        """(n_crops, 3, crop, crop): half from the user's photo, the rest from the extra photos (or the photo)."""
        sources = [photo] * (self.cfg.n_crops - self.cfg.n_crops // 2) + [
            extras[i % len(extras)] if extras else photo for i in range(self.cfg.n_crops // 2)
        ]
        return torch.cat([random_crop(image.cpu(), self.cfg.crop, self.rng) for image in sources])

    def step(self) -> dict[str, float]:
        """One discriminator update then one generator update on the next batch of fixed pairs."""
        cfg, k, n = self.cfg, self.cfg.batch_crops, self.crops.shape[0]
        idx = torch.arange(self.step_index * k, (self.step_index + 1) * k) % n
        pairs = torch.cat([idx, idx + n]).to(self.device)
        content = self.crops[idx].repeat(2, 1, 1, 1)
        z = self.z[pairs]
        out = self.generator(content, z, self.code)
        losses: dict[str, float] = {"step": float(self.step_index + 1)}

        if cfg.adv_weight > 0:
            real = torch.cat([random_crop(self.picked_images[i : i + 1].cpu(), cfg.crop, self.rng) for i in self._real_indices(2 * k)])
            losses["d"] = discriminator_step(self.discriminator, self.opt_d, real.to(self.device), out)

        losses.update(self.generator_step(out, pairs, z, cfg.diversity_weight))
        return losses

    def _real_indices(self, n: int) -> list[int]:
        """n random indices into the picked images."""
        return torch.randint(self.picked_images.shape[0], (n,), generator=self.rng).tolist()


def personalize_round(
    start: Generator,
    lossnet: LossNetwork,
    inputs: RoundInputs,
    cfg: PersonalizeConfig = PersonalizeConfig(),
    loss_cfg: LossConfig = LossConfig(),
    device: str = "cpu",
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_step: Callable[[dict[str, float]], None] | None = None,
) -> RoundResult | None:
    """Run one round on a copy of start (start itself is never changed); None if should_stop() said stop.

    on_step receives each step's losses as they come (for a live plot).
    """
    # The set-up (painting and measuring what was shown, the training pairs) is SETUP_SHARE of the bar, the steps the rest.
    return run_round(lambda stage: RoundTrainer(start, lossnet, inputs, cfg, loss_cfg, device, stage), cfg.steps, progress,
                     should_stop, on_step)  # fmt: skip


def run_round(
    make_trainer: Callable[[Progress], RoundTrainer],
    steps: int,
    progress: Progress | None,
    should_stop: Callable[[], bool] | None,
    on_step: Callable[[dict[str, float]], None] | None,
) -> RoundResult | None:
    """A round: its trainer's set-up (make_trainer(stage): any trainer with step(), generator and proposal; its stages
    fill the first SETUP_SHARE of the progress), then its steps, each step's losses to on_step; None if should_stop()
    said stop."""
    started = time.perf_counter()
    report = progress or (lambda fraction, message: None)
    report(0.0, "reading your picks")
    if should_stop is not None and should_stop():
        return None
    trainer = make_trainer(lambda f, m: report(SETUP_SHARE * f, m))
    losses = []
    for step in range(steps):
        if should_stop is not None and should_stop():
            return None
        losses.append(trainer.step())
        if on_step:
            on_step(losses[-1])
        report(SETUP_SHARE + (1 - SETUP_SHARE) * (step + 1) / steps, f"learning your taste: step {step + 1} of {steps}")
    return RoundResult(trainer.generator.eval().requires_grad_(False), trainer.proposal, losses, time.perf_counter() - started)
