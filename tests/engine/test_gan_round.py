"""A round on the other GANs' models: the picks pull what the model paints toward them; the start is never changed."""

from dataclasses import replace

import torch
import torch.nn.functional as F

from stylegan_app.config import PersonalizeConfig
from stylegan_app.engine.dcgan import CanvasGenerator
from stylegan_app.engine.gan_round import CANVAS_LOSS_SIDE, GanRoundInputs, gan_round
from stylegan_app.engine.personalize import grams_of
from stylegan_app.engine.sampling import Proposal

CFG = replace(PersonalizeConfig(), steps=8, n_crops=4, batch_crops=2, lr=1e-3, adv_weight=0.0, anchor_weight=0.0)


def style_distance(lossnet, model, z, target):
    """Mean relative Gram error of the model's canvases for z to the target Grams, over the four layers."""
    with torch.no_grad():
        images = F.interpolate(model(z), size=(CANVAS_LOSS_SIDE, CANVAS_LOSS_SIDE), mode="bilinear", align_corners=False)
    grams = grams_of(lossnet, images)
    return sum(float(((g - t).pow(2).mean((1, 2)) / t.pow(2).mean()).mean()) for g, t in zip(grams, target, strict=True))


def test_a_round_moves_the_canvases_toward_the_picks(lossnet):
    torch.manual_seed(0)
    start = CanvasGenerator(8, 4, 16).eval()
    z = torch.randn(6, 8, generator=torch.Generator().manual_seed(1))
    ratings = torch.tensor([0.0, 3.0, 0.0, 0.0, 2.0, 0.0])
    inputs = GanRoundInputs(None, z, list(range(6)), ratings, Proposal.prior(8))
    before = [p.clone() for p in start.parameters()]
    result = gan_round(start, lossnet, inputs, CFG)
    assert all(torch.equal(a, b) for a, b in zip(before, start.parameters(), strict=True))  # the start stays as it was
    with torch.no_grad():
        picks = F.interpolate(start(z[[1, 4]]), size=(CANVAS_LOSS_SIDE, CANVAS_LOSS_SIDE), mode="bilinear", align_corners=False)
    target = [g.mean(0, keepdim=True) for g in grams_of(lossnet, picks)]
    fresh = torch.randn(8, 8, generator=torch.Generator().manual_seed(2))
    assert style_distance(lossnet, result.generator, fresh, target) < 0.9 * style_distance(lossnet, start, fresh, target)
    assert len(result.losses) == CFG.steps


def test_a_stopped_round_gives_nothing(lossnet):
    start = CanvasGenerator(8, 4, 16).eval()
    inputs = GanRoundInputs(None, torch.randn(2, 8), [0, 1], torch.tensor([1.0, 0.0]), Proposal.prior(8))
    assert gan_round(start, lossnet, inputs, CFG, should_stop=lambda: True) is None
