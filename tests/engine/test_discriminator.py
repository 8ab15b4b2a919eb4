"""Tests for discriminator.py: the logit map's shape and spectral normalisation."""

import pytest
import torch
from torch import nn
from torch.nn.utils import parametrize

from stylegan_app.engine.discriminator import PatchDiscriminator, discriminator_step


def images(batch: int = 2, side: int = 64) -> torch.Tensor:
    """Seeded RGB in [-1, 1]."""
    return torch.rand(batch, 3, side, side, generator=torch.Generator().manual_seed(0)) * 2 - 1


def convs(model: nn.Module) -> list[nn.Conv2d]:
    """Every convolution of a model."""
    return [m for m in model.modules() if isinstance(m, nn.Conv2d)]


@pytest.mark.parametrize(("channels", "side"), [((8, 8, 8), 8), ((8, 8), 16)])
def test_logit_map_shape(channels, side):
    with torch.no_grad():
        logits = PatchDiscriminator(channels)(images())
    assert logits.shape == (2, 1, side, side)  # 64 / 2 per stride-2 layer


def test_every_conv_is_spectrally_normalised():
    layers = convs(PatchDiscriminator((8, 8, 8)))
    assert len(layers) == 4 and all(parametrize.is_parametrized(conv, "weight") for conv in layers)


def test_largest_singular_value_is_about_one():
    torch.manual_seed(0)
    model = PatchDiscriminator((8, 8, 8)).train()
    with torch.no_grad():
        for _ in range(10):  # each training-mode forward runs one power iteration
            model(images())
        model.eval()
        sigmas = [torch.linalg.matrix_norm(conv.weight.flatten(1), ord=2).item() for conv in convs(model)]
    assert max(sigmas) <= 1.05, sigmas


def test_discriminator_step_updates_d_and_leaves_the_generated_images_alone():
    torch.manual_seed(0)
    disc = PatchDiscriminator((8, 8))
    opt = torch.optim.Adam(disc.parameters(), lr=1e-2)
    real = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
    fake = torch.zeros(2, 3, 32, 32, requires_grad=True)
    before = [p.detach().clone() for p in disc.parameters()]
    loss = discriminator_step(disc, opt, real, fake)
    assert loss > 0 and fake.grad is None  # the fake images are detached: no gradient reaches G
    assert any(not torch.equal(b, p) for b, p in zip(before, disc.parameters(), strict=True))


def test_discriminator_steps_learn_to_tell_real_from_fake():
    torch.manual_seed(0)
    disc = PatchDiscriminator((8, 8))
    opt = torch.optim.Adam(disc.parameters(), lr=1e-2)
    real, fake = torch.ones(2, 3, 32, 32), -torch.ones(2, 3, 32, 32)
    losses = [discriminator_step(disc, opt, real, fake) for _ in range(20)]
    assert losses[-1] < 0.5 * losses[0]
