"""One personalisation round on a tiny generator: the copy learns, the start is untouched, the proposal moves."""

from dataclasses import replace

import pytest
import torch

from stylegan_app.config import LossConfig, PersonalizeConfig
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.personalize import RoundInputs, RoundTrainer, personalize_round, taste_step, validate_inputs
from stylegan_app.engine.sampling import Proposal

TINY = replace(PersonalizeConfig(), steps=2, size=64, crop=32, n_crops=2, batch_crops=1)


@pytest.fixture
def start(model_cfg):
    torch.manual_seed(0)
    return Generator.from_config(model_cfg).eval()


@pytest.fixture
def inputs(rgb_image, style_image, make_image, model_cfg):
    z = torch.randn(4, model_cfg.z_dim, generator=torch.Generator().manual_seed(0))
    return RoundInputs(
        photo=rgb_image,
        style=style_image,
        z=z,
        ratings=torch.tensor([0.0, 2.0, 0.0, 1.0]),
        proposal=Proposal.prior(model_cfg.z_dim),
        extra_photos=[make_image(64, 64, seed=5)],
    )


def test_round_changes_the_copy_and_leaves_the_start_untouched(start, lossnet, inputs):
    before = {k: v.clone() for k, v in start.state_dict().items()}
    result = personalize_round(start, lossnet, inputs, TINY)
    assert all(torch.equal(before[k], v) for k, v in start.state_dict().items())
    changed = [k for k, v in result.generator.state_dict().items() if not torch.equal(before[k], v)]
    assert changed and result.generator is not start
    assert len(result.losses) == TINY.steps


def test_round_is_deterministic(start, lossnet, inputs):
    a = personalize_round(start, lossnet, inputs, TINY).generator.state_dict()
    b = personalize_round(start, lossnet, inputs, TINY).generator.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_proposal_moves_toward_the_picked_z(start, lossnet, inputs):
    result = personalize_round(start, lossnet, inputs, TINY)
    picked_mean = (inputs.z[1] * 2 + inputs.z[3]) / 3
    before = (torch.tensor(inputs.proposal.mean) - picked_mean).norm()
    after = (torch.tensor(result.proposal.mean) - picked_mean).norm()
    assert after < 0.5 * before


def test_stop_returns_none_before_any_step(start, lossnet, inputs):
    calls = []
    result = personalize_round(start, lossnet, inputs, TINY, progress=lambda f, m: calls.append(f), should_stop=lambda: True)
    assert result is None and calls == [0.0]


def test_progress_reaches_one(start, lossnet, inputs):
    calls = []
    personalize_round(start, lossnet, inputs, TINY, progress=lambda f, m: calls.append(f))
    assert calls[0] == 0.0 and calls[-1] == 1.0 and calls == sorted(calls)


def test_progress_names_each_stage_before_the_first_step(start, lossnet, inputs):
    calls = []
    personalize_round(start, lossnet, inputs, TINY, progress=lambda f, m: calls.append((f, m)))
    messages = [m for _, m in calls]
    first_step = messages.index(f"learning your taste: step 1 of {TINY.steps}")
    before = messages[:first_step]
    assert any("preparing your picks" in m for m in before) and any("training pairs" in m for m in before)
    assert 0.0 < calls[first_step - 1][0] < calls[first_step][0]  # the set-up moves the bar before any step


def test_style_loss_toward_the_taste_target_decreases(start, lossnet, inputs):
    cfg = replace(TINY, steps=12, adv_weight=0.0, diversity_weight=0.0, anchor_weight=0.0, lr=3e-3, n_crops=1)
    losses = personalize_round(start, lossnet, inputs, cfg).losses
    assert losses[-1]["style"] < 0.8 * losses[0]["style"]


def test_no_pick_is_refused(inputs, model_cfg):
    with pytest.raises(ValueError, match="Pick at least one"):
        validate_inputs(replace(inputs, ratings=torch.zeros(4)), model_cfg.z_dim)


@pytest.mark.parametrize("ratings", [torch.tensor([0.0, 6.0, 0.0, 0.0]), torch.tensor([-1.0, 1.0, 0.0, 0.0]), torch.ones(3)])
def test_bad_ratings_are_refused(inputs, model_cfg, ratings):
    with pytest.raises(ValueError):
        validate_inputs(replace(inputs, ratings=ratings), model_cfg.z_dim)


def test_wrong_z_size_is_refused(inputs, model_cfg):
    with pytest.raises(ValueError, match="z"):
        validate_inputs(replace(inputs, z=torch.zeros(4, model_cfg.z_dim + 1)), model_cfg.z_dim)


def grams(*values):
    return [torch.full((len(values), 2, 2), 0.0) + torch.tensor(values).view(-1, 1, 1)]


def test_taste_step_is_zero_when_the_picks_look_like_the_rest():
    cfg = replace(TINY, style_lambda=0.0)
    step = taste_step(grams(1.0, 1.0, 1.0), grams(1.0), torch.ones(1), grams(5.0), cfg)
    assert torch.allclose(step[0], torch.zeros(1, 2, 2))


def test_taste_step_goes_past_the_picks_with_beta_above_one():
    cfg = replace(TINY, style_lambda=0.0, beta=2.0, max_step=10.0)
    step = taste_step(grams(1.0, 2.0, 3.0), grams(3.0), torch.ones(1), grams(0.0), cfg)
    assert torch.allclose(step[0], torch.full((1, 2, 2), 2.0))  # mean shown 2, picked 3: 2 + 2 * (3 - 2) = 4


def test_taste_step_weights_the_style_image_by_lambda():
    cfg = replace(TINY, style_lambda=1.0, beta=1.0, max_step=10.0)
    step = taste_step(grams(2.0, 2.0), grams(2.0), torch.ones(1), grams(4.0), cfg)
    assert torch.allclose(step[0], torch.full((1, 2, 2), 1.0))  # liked = (4 + 2) / 2 = 3, shown 2


def test_taste_step_is_capped():
    cfg = replace(TINY, style_lambda=0.0, beta=4.0, max_step=0.5)
    step = taste_step(grams(1.0, 1.0), grams(9.0), torch.ones(1), grams(0.0), cfg)
    assert torch.isclose(step[0].norm(), torch.tensor(0.5 * 2.0))  # |mean shown| = 2 (a 2x2 of ones)


def test_without_a_taste_step_the_first_step_has_nothing_to_learn(start, lossnet, inputs):
    """Every fine-tune term is measured against what the start paints, so a zero taste step means zero loss.

    A content target taken from the photo instead would pull every round toward the photo (the drift this guards).
    """
    quiet = replace(TINY, adv_weight=0.0, diversity_weight=0.0, bf16_lossnet=False)
    still = RoundTrainer(start, lossnet, inputs, replace(quiet, beta=0.0), LossConfig(), "cpu").step()
    moved = RoundTrainer(start, lossnet, inputs, replace(quiet, beta=2.0), LossConfig(), "cpu").step()
    assert still["content"] < 1e-6 and still["style"] < 1e-6
    assert moved["style"] > 1e-3
