"""A new style image: nearest preset, then a short fine-tune toward it."""

from dataclasses import replace

import pytest
import torch

from stylegan_app.config import Settings
from stylegan_app.engine.checkpoint import load_generator
from stylegan_app.engine.new_style import ADAPT_CONFIG, adapt_to_style, nearest_preset
from stylegan_app.engine.presets import get_preset, list_presets


def test_nearest_preset_finds_its_own_painting(tiny_styles_dir, lossnet):
    beta = get_preset("beta", tiny_styles_dir)
    assert nearest_preset(lossnet, beta.style_image(), list_presets(tiny_styles_dir)).name == "beta"


def test_no_presets_is_a_clear_error(lossnet, style_image):
    with pytest.raises(ValueError, match="No preset"):
        nearest_preset(lossnet, style_image, [])


def test_adapt_changes_a_copy_and_leaves_the_preset(tiny_styles_dir, data_dir, style_image):
    settings = Settings(data_dir=data_dir, styles_dir=tiny_styles_dir)
    presets = list_presets(tiny_styles_dir)
    before = [load_generator(p.folder).state_dict() for p in presets]
    cfg = replace(ADAPT_CONFIG, steps=2, crop=32, style_size=64, content_size=64, identity_steps=0)
    messages = []
    adapted = adapt_to_style(style_image, "cpu", settings, progress=lambda f, m: messages.append(m), train_cfg=cfg)
    after = [load_generator(p.folder).state_dict() for p in presets]
    assert all(torch.equal(a[k], b[k]) for a, b in zip(before, after, strict=True) for k in a)
    for start in before:
        assert any(not torch.equal(start[k], v) for k, v in adapted.state_dict().items())
    assert messages and "nearest preset" in messages[0]
