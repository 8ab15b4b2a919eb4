"""Tests for lossnet.py: known answer of the converted weights, channel order, frozen, shapes."""

import json

import pytest
import torch

from stylegan_app.config import BUNDLE_DIR, CHECKPOINTS_DIR
from stylegan_app.engine.images import load_rgb, pil_to_tensor, resize_long_side
from stylegan_app.engine.lossnet import Features

KNOWN_ANSWER = json.loads((CHECKPOINTS_DIR / "lossnet" / "known_answer.json").read_text())


def stats(features: Features) -> dict[str, dict]:
    """Per layer: mean, std and the means of the first 8 channels, like known_answer.json."""
    return {
        name: {"mean": f.mean().item(), "std": f.std().item(), "channel_means_first8": f.mean(dim=(0, 2, 3))[:8].tolist()}
        for name, f in features._asdict().items()
    }


def matches(got: dict, expected: dict) -> bool:
    """Mean and std within 1e-3 relative; channel means within 1e-2 + 1e-3 relative."""
    scalars = all(got[k] == pytest.approx(expected[k], rel=1e-3) for k in ("mean", "std"))
    got_channels, expected_channels = (torch.tensor(d["channel_means_first8"]) for d in (got, expected))
    channels = torch.allclose(got_channels, expected_channels, atol=1e-2, rtol=1e-3)
    return scalars and channels


@pytest.fixture(scope="module")
def cat() -> torch.Tensor:
    """The known-answer image, decoded and sized as the answer was made."""
    image = resize_long_side(load_rgb(BUNDLE_DIR / KNOWN_ANSWER["image"]), KNOWN_ANSWER["long_side"])
    return pil_to_tensor(image)


@pytest.mark.parametrize("layer", list(KNOWN_ANSWER["layers"]))
def test_features_match_known_answer(lossnet, cat, layer):
    with torch.no_grad():
        got = stats(lossnet(cat))[layer]
    assert matches(got, KNOWN_ANSWER["layers"][layer]), got


def test_known_answer_detects_swapped_channels(lossnet, cat):
    with torch.no_grad():
        got = stats(lossnet(cat.flip(1)))["relu1_2"]  # BGR fed where RGB is expected
    assert not matches(got, KNOWN_ANSWER["layers"]["relu1_2"])


def test_parameters_are_frozen(lossnet):
    assert not any(p.requires_grad for p in lossnet.parameters())


def test_train_keeps_eval_mode(lossnet):
    lossnet.train()
    assert not any(m.training for m in lossnet.modules())


def test_gradient_flows_to_input(lossnet):
    x = (torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1).requires_grad_()
    sum(f.mean() for f in lossnet(x)).backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


@pytest.mark.parametrize(
    ("height", "width", "sizes"),
    [
        (48, 64, [(48, 64), (24, 32), (12, 16), (6, 8)]),
        (38, 50, [(38, 50), (19, 25), (10, 13), (5, 7)]),  # odd sizes round up (ceil-mode pooling)
    ],
)
def test_feature_shapes(lossnet, height, width, sizes):
    with torch.no_grad():
        features = lossnet(torch.zeros(2, 3, height, width))
    channels = (64, 128, 256, 512)
    assert [tuple(f.shape) for f in features] == [(2, c, *hw) for c, hw in zip(channels, sizes, strict=True)]
