"""DCGAN: canvas shapes, seeded canvases, a round trip through the model folder, and 300 steps at 64 px that paint
canvases nearer the painting (EfficientNet-Lite0 Grams, a judge that never trains anything) than noise or a flat colour."""

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from stylegan_app.engine.checkpoint import load_generator, load_model, save_model
from stylegan_app.engine.dcgan import CanvasGenerator, DCGANConfig, canvas_noise, paint_canvases, train_dcgan
from stylegan_app.engine.presets import get_preset

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from judges import EfficientGramJudge  # noqa: E402

TINY = replace(DCGANConfig(), z_dim=8, channels=4, size=16, steps=2, batch=2, source_side=48, checkpoint_every=1)


def seeded(cfg: DCGANConfig = TINY) -> CanvasGenerator:
    torch.manual_seed(0)
    return CanvasGenerator(cfg.z_dim, cfg.channels, cfg.size).eval()


@pytest.mark.parametrize("size", [16, 32, 64])
def test_canvases_have_the_asked_side(size):
    canvases = seeded(replace(TINY, size=size))(canvas_noise(3, TINY.z_dim, 0))
    assert canvases.shape == (3, 3, size, size) and canvases.abs().max() <= 1


def test_a_side_that_is_not_a_power_of_two_is_refused():
    with pytest.raises(ValueError, match="power of two"):
        CanvasGenerator(size=48)


def test_the_same_seed_paints_the_same_canvases():
    model = seeded()
    a, b = (paint_canvases(model, canvas_noise(2, TINY.z_dim, 5)) for _ in range(2))
    assert [x.tobytes() for x in a] == [x.tobytes() for x in b] and a[0].tobytes() != a[1].tobytes()


def test_a_saved_model_loads_and_paints_the_same(tmp_path):
    model = seeded()
    save_model(model, tmp_path)
    z = canvas_noise(2, TINY.z_dim, 1)
    with torch.no_grad():
        assert torch.equal(model(z), load_model(tmp_path)(z))
    with pytest.raises(ValueError, match="DCGAN canvas model, not a style model"):
        load_generator(tmp_path)


def test_training_writes_the_model_and_what_it_was_trained_with(tmp_path, style_image):
    train_dcgan([style_image], tmp_path, TINY)
    assert isinstance(load_model(tmp_path), CanvasGenerator)
    assert '"mode": "dcgan"' in (tmp_path / "metadata.json").read_text()
    card = (tmp_path / "README.md").read_text()  # the Hugging Face layout's model card
    assert "pipeline_tag: unconditional-image-generation" in card and "python -m stylegan_app sample --model" in card


def test_300_steps_paint_canvases_nearer_the_painting_than_noise_or_a_flat_colour(tmp_path):
    painting = get_preset("great_wave").style_image()
    cfg = replace(DCGANConfig(), channels=16, steps=300, size=64, batch=8)
    model = train_dcgan([painting], tmp_path, cfg)
    canvases = paint_canvases(model, canvas_noise(8, cfg.z_dim, 0))
    judge = EfficientGramJudge()
    target = judge.grams(painting)
    rng = np.random.default_rng(0)
    noise = Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
    flat = Image.new("RGB", (64, 64), tuple(int(c) for c in np.asarray(painting).reshape(-1, 3).mean(0)))
    ours = np.mean([judge.distance(c, target) for c in canvases])
    assert ours < judge.distance(noise, target) and ours < judge.distance(flat, target)
    pixels = np.stack([np.asarray(c, dtype=np.float32) / 255 for c in canvases])
    variety = np.mean([np.abs(pixels[i] - pixels[j]).mean() for i in range(8) for j in range(i + 1, 8)])
    assert variety > 0.05  # eight canvases, not one canvas eight times
