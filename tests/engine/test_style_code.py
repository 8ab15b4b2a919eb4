"""Fitting a style code for a new painting: starts from a blend of known codes, lowers the style loss, network frozen."""

from dataclasses import replace

import pytest
import torch

from stylegan_app.config import CodeFitConfig, LossConfig
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.losses import gram, style_layer_losses
from stylegan_app.engine.style_code import fit_style_code, painting_grams, starting_blend

CFG = CodeFitConfig(steps=6, crop=32, batch=2, lr=0.2)


@pytest.fixture
def network(model_cfg) -> Generator:
    torch.manual_seed(0)
    return Generator.from_config(replace(model_cfg, n_styles=2, style_dim=4))


def style_error(network, code, painting, photo, lossnet) -> float:
    """The fit's own measure at its own crops: summed relative Gram error of what the code paints."""
    from stylegan_app.engine.crops import CropSampler
    from stylegan_app.engine.images import pil_to_tensor, resize_long_side
    from stylegan_app.engine.sampling import seeded_z

    sampler = CropSampler([pil_to_tensor(resize_long_side(photo, 2 * CFG.crop))], CFG.crop)
    crops = sampler.sample(CFG.batch, torch.Generator().manual_seed(0))
    with torch.no_grad():
        out = network(crops, seeded_z(0, CFG.batch, network.z_dim), code[None])
        target = painting_grams(lossnet, painting)
        errors = style_layer_losses([gram(f) for f in lossnet(out)], target) / style_layer_losses([gram(f) for f in lossnet(crops)], target)
    return float(errors.sum(1).mean())


def test_the_blend_weights_the_closest_code_most(network, lossnet, make_image):
    from stylegan_app.engine.sampling import seeded_z
    from stylegan_app.engine.style_code import gram_distance

    crops = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1
    z, target = seeded_z(0, 2, network.z_dim), painting_grams(lossnet, make_image(64, 64, 7))
    weights = starting_blend(network, lossnet, crops, z, target, temperature=0.1)
    with torch.no_grad():
        distances = [gram_distance([gram(f).mean(0, keepdim=True) for f in lossnet(network(crops, z, c[None]))], target)
                     for c in network.style_codes]  # fmt: skip
    assert weights.shape == (2,) and torch.isclose(weights.sum(), torch.tensor(1.0))
    assert int(weights.argmax()) == min(range(2), key=distances.__getitem__)


def test_fitting_lowers_the_style_error_and_leaves_the_network_alone(network, lossnet, make_image):
    painting, photo = make_image(64, 64, 7), make_image(64, 48, 0)
    before = {k: v.clone() for k, v in network.state_dict().items()}
    start, blend = fit_style_code(network, painting, [photo], lossnet, replace(CFG, steps=0))
    fitted, _ = fit_style_code(network, painting, [photo], lossnet, CFG)
    torch.testing.assert_close(start, blend @ network.style_codes)  # with no step, the code is the starting blend
    assert style_error(network, fitted, painting, photo, lossnet) < style_error(network, start, painting, photo, lossnet)
    assert all(torch.equal(before[k], v) for k, v in network.state_dict().items())


def test_fitting_reports_progress_and_is_seeded(network, lossnet, make_image):
    messages = []
    args = (network, make_image(64, 64, 7), [make_image(64, 48, 0)], lossnet)
    a, _ = fit_style_code(*args, CFG, LossConfig(), progress=lambda f, m: messages.append((f, m)))
    b, _ = fit_style_code(*args, CFG)
    assert torch.equal(a, b) and messages[-1][0] == 1.0 and "step 6/6" in messages[-1][1]


def test_a_single_style_network_has_no_code_to_fit(model_cfg, lossnet, make_image):
    with pytest.raises(ValueError, match="multi-style"):
        fit_style_code(Generator.from_config(model_cfg), make_image(64, 64, 7), [make_image(64, 48, 0)], lossnet)
