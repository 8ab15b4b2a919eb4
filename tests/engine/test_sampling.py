"""Tests for sampling.py: seeded noise, the proposal over z, content sizing, candidate generation."""

import math

import pytest
import torch

from stylegan_app.engine.generator import Generator
from stylegan_app.engine.sampling import Proposal, generate, prepare_content, render, render_each, seeded_z

Z_DIM = 8


def test_seeded_z_is_deterministic():
    assert torch.equal(seeded_z(3, 4, Z_DIM), seeded_z(3, 4, Z_DIM))


def test_seeded_z_differs_between_seeds():
    assert not torch.equal(seeded_z(3, 4, Z_DIM), seeded_z(4, 4, Z_DIM))


def test_prior_sample_is_seeded_z():
    assert torch.equal(Proposal.prior(Z_DIM).sample(5, 6), seeded_z(5, 6, Z_DIM))


def picked_near(value: float, n: int = 3) -> torch.Tensor:
    """n picked z's close together around value."""
    return value + 0.01 * seeded_z(0, n, Z_DIM)


def test_update_moves_mean_toward_picks():
    before = Proposal.prior(Z_DIM)
    after = before.update(picked_near(2.0), torch.ones(3))
    assert all(abs(new - 2.0) < abs(old - 2.0) for new, old in zip(after.mean, before.mean, strict=True))


def test_update_shrinks_std_for_close_picks():
    after = Proposal.prior(Z_DIM).update(picked_near(2.0), torch.ones(3), min_std=0.01)
    assert all(s < 1.0 for s in after.std)


def test_update_keeps_std_above_min_std():
    after = Proposal.prior(Z_DIM).update(picked_near(2.0), torch.ones(3), min_std=0.5)
    assert all(s == pytest.approx(0.5) for s in after.std)


def test_update_weights_the_picks():
    picked = torch.stack([torch.full((Z_DIM,), 1.0), torch.full((Z_DIM,), 4.0)])
    after = Proposal.prior(Z_DIM).update(picked, torch.tensor([2.0, 1.0]), rate=1.0)
    assert after.mean == pytest.approx((2.0,) * Z_DIM)  # (2 * 1 + 1 * 4) / 3


@pytest.mark.parametrize(("n", "fraction"), [(8, 0.25), (5, 0.25), (3, 0.5), (4, 0.0)])
def test_last_samples_come_from_the_prior(n, fraction):
    proposal = Proposal((3.0,) * Z_DIM, (0.5,) * Z_DIM)
    z, eps = proposal.sample(11, n, prior_fraction=fraction), seeded_z(11, n, Z_DIM)
    n_prior = math.ceil(n * fraction)
    assert torch.equal(z[n - n_prior :], eps[n - n_prior :])
    torch.testing.assert_close(z[: n - n_prior], 3.0 + 0.5 * eps[: n - n_prior])


@pytest.mark.parametrize(
    "picked",
    [torch.zeros(0, Z_DIM), torch.zeros(2, Z_DIM - 1), torch.zeros(Z_DIM)],
    ids=["empty", "wrong-size", "not-a-batch"],
)
def test_update_rejects_bad_picks(picked):
    with pytest.raises(ValueError):
        Proposal.prior(Z_DIM).update(picked, torch.ones(picked.shape[0]))


@pytest.mark.parametrize("weights", [[0.0, 0.0], [1.0, -1.0], [1.0]], ids=["all-zero", "negative", "wrong-count"])
def test_update_rejects_bad_weights(weights):
    with pytest.raises(ValueError):
        Proposal.prior(Z_DIM).update(torch.ones(2, Z_DIM), torch.tensor(weights))


@pytest.mark.parametrize(
    ("size", "max_side", "long_side"),
    [(None, 1024, 96), (48, 1024, 48), (200, 64, 64), (None, 40, 40)],
)
def test_prepare_content_long_side(make_image, size, max_side, long_side):
    assert max(prepare_content(make_image(96, 72, 0), size, max_side).size) == long_side


@pytest.mark.parametrize("size", [None, 50, 77])
def test_prepare_content_sides_are_multiples_of_8(make_image, size):
    width, height = prepare_content(make_image(101, 67, 0), size, 1024).size
    assert width % 8 == 0 and height % 8 == 0


def test_generate_returns_one_rgb_image_per_z(model_cfg, make_image):
    content = make_image(40, 32, 0)
    images = generate(Generator.from_config(model_cfg).eval(), content, seeded_z(0, 3, Z_DIM))
    assert len(images) == 3 and all(im.mode == "RGB" and im.size == content.size for im in images)


def test_generate_is_seeded(model_cfg, make_image):
    torch.manual_seed(0)
    generator, content = Generator.from_config(model_cfg).eval(), make_image(40, 32, 0)
    a, b = generate(generator, content, seeded_z(0, 2, Z_DIM)), generate(generator, content, seeded_z(0, 2, Z_DIM))
    assert [im.tobytes() for im in a] == [im.tobytes() for im in b]


def test_render_pairs_each_row_of_z_with_its_own_content_or_a_shared_one(model_cfg):
    torch.manual_seed(0)
    generator = Generator.from_config(model_cfg).eval()
    content = torch.rand(3, 3, 16, 16, generator=torch.Generator().manual_seed(1)) * 2 - 1
    z = seeded_z(2, 3, model_cfg.z_dim)
    paired = render(generator, content, z)
    shared = render(generator, content[:1], z)
    with torch.no_grad():
        assert torch.allclose(paired[2], generator(content[2:3], z[2:3])[0])
        assert torch.allclose(shared[2], generator(content[:1], z[2:3])[0])
    assert not paired.requires_grad


def test_render_refuses_a_content_batch_that_does_not_match_z(model_cfg):
    with pytest.raises(ValueError, match="rows of z"):
        render(Generator.from_config(model_cfg), torch.zeros(2, 3, 16, 16), seeded_z(0, 3, model_cfg.z_dim))


def test_render_each_leaves_the_callers_grad_mode_alone(model_cfg):
    frames = render_each(Generator.from_config(model_cfg), torch.zeros(1, 3, 16, 16), seeded_z(0, 2, model_cfg.z_dim))
    next(frames)
    assert torch.is_grad_enabled()
