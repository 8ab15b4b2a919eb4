"""Candidates of the other GANs' models: a translation's z is its stroke scale, a canvas's its noise; seeds repeat."""

import pytest
import torch

from stylegan_app.engine.dcgan import CanvasGenerator
from stylegan_app.engine.gan_candidates import candidate_seeds, candidate_z_dim, paint, stroke_scale
from stylegan_app.engine.images import pil_to_tensor
from stylegan_app.engine.pix2pix import UNet


def test_stroke_scale_runs_from_half_to_whole_size():
    assert stroke_scale(-20.0) == pytest.approx(0.5) and stroke_scale(20.0) == pytest.approx(1.0)
    assert stroke_scale(-1.0) < stroke_scale(0.0) < stroke_scale(1.0)


def test_a_translation_paints_its_source_at_its_size_and_z_changes_the_strokes(rgb_image):
    torch.manual_seed(0)
    model, source = UNet(4, 3).eval(), pil_to_tensor(rgb_image)
    assert candidate_z_dim(model) == 1
    z = torch.tensor([[-3.0], [3.0], [-3.0]])
    with torch.no_grad():
        out = paint(model, source, z, [7, 7, 8])
    assert out.shape == (3, 3, *source.shape[-2:])
    assert (out[0] - out[1]).abs().mean() > 0.01  # coarse vs fine, the same dropout noise
    assert (out[0] - out[2]).abs().mean() > 0  # the same scale, other noise
    with torch.no_grad():
        assert torch.equal(paint(model, source, z[:1], [7])[0], out[0])  # the same z and seed, the same candidate
    with pytest.raises(ValueError, match="paints an image"):
        paint(model, None, z, [1, 2, 3])


def test_a_canvas_model_paints_from_its_noise():
    model = CanvasGenerator(8, 4, 16).eval()
    with torch.no_grad():
        out = paint(model, None, torch.randn(2, 8), candidate_seeds(5, 2))
    assert out.shape == (2, 3, 16, 16) and candidate_z_dim(model) == 8 and candidate_seeds(5, 2) == [5, 6]
