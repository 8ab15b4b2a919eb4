"""Tests for discriminator.py: the logit map's shape and spectral normalisation."""

import pytest
import torch
from torch import nn
from torch.nn.utils import parametrize

from stylegan_app.engine.discriminator import PatchDiscriminator


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
