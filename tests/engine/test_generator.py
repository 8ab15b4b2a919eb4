"""Tests for generator.py: shapes, finiteness, determinism, z matters, attention, Hub round trip."""

from dataclasses import asdict, replace

import pytest
import torch

from stylegan_app.engine.generator import OUTPUT_GAIN, Generator, SelfAttention


def content(height: int = 37, width: int = 50, batch: int = 1, seed: int = 0) -> torch.Tensor:
    """Seeded RGB in [-1, 1]."""
    return torch.rand(batch, 3, height, width, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def noise(batch: int = 1, z_dim: int = 8, seed: int = 1) -> torch.Tensor:
    """Seeded standard normal z."""
    return torch.randn(batch, z_dim, generator=torch.Generator().manual_seed(seed))


def seeded_generator(cfg, seed: int = 0) -> Generator:
    """A generator whose weights depend only on the seed."""
    torch.manual_seed(seed)
    return Generator.from_config(cfg)


@pytest.mark.parametrize(("height", "width"), [(37, 50), (32, 32), (41, 24)])
def test_output_shape_equals_input_shape(model_cfg, height, width):
    x = content(height, width, batch=2)
    with torch.no_grad():
        out = seeded_generator(model_cfg)(x, noise(batch=2))
    assert out.shape == x.shape


def test_output_bounded_by_the_gain(model_cfg):
    """A tanh scaled to OUTPUT_GAIN; training penalises, and display clamps, values beyond [-1, 1]."""
    with torch.no_grad():
        out = seeded_generator(model_cfg)(content(batch=2) * 5, noise(batch=2))  # far out-of-range input too
    assert out.abs().max() <= OUTPUT_GAIN


def test_same_seed_and_z_give_identical_output(model_cfg):
    with torch.no_grad():
        a = seeded_generator(model_cfg)(content(), noise())
        b = seeded_generator(model_cfg)(content(), noise())
    assert torch.equal(a, b)


def test_different_z_give_different_output(model_cfg):
    generator = seeded_generator(model_cfg)
    with torch.no_grad():
        a = generator(content(), noise(seed=1))
        b = generator(content(), noise(seed=2))
    assert (a - b).abs().mean() > 2e-3  # about 1e-2 at initialisation


def test_from_config_matches_config_dict(model_cfg):
    generator = Generator.from_config(model_cfg)
    assert generator.config_dict() == {**asdict(model_cfg), "channels": list(model_cfg.channels)}


def test_attention_block_exists_only_when_asked(model_cfg):
    assert Generator.from_config(model_cfg).attention is None
    assert isinstance(Generator.from_config(replace(model_cfg, attention=True)).attention, SelfAttention)


def test_attention_map_has_one_entry_per_latent_position(model_cfg):
    generator = seeded_generator(replace(model_cfg, attention=True))
    with torch.no_grad():
        out = generator(content(48, 64, batch=2), noise(batch=2))
    assert out.shape == (2, 3, 48, 64)
    assert generator.attention.last_map.shape == (2, 48 * 64 // 64)


def test_attention_map_is_a_distribution(model_cfg):
    generator = seeded_generator(replace(model_cfg, attention=True))
    with torch.no_grad():
        generator(content(48, 64, batch=2), noise(batch=2))
    torch.testing.assert_close(generator.attention.last_map.sum(dim=1), torch.ones(2))


def test_attention_starts_as_identity():
    block = SelfAttention(16)
    x = torch.randn(2, 16, 4, 5, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(block(x), x)


def test_hub_round_trip_gives_identical_output(model_cfg, tmp_path):
    generator = seeded_generator(replace(model_cfg, attention=True)).eval()
    torch.nn.init.constant_(generator.attention.gain, 0.5)  # so the attention weights matter too
    generator.save_pretrained(tmp_path)
    loaded = Generator.from_pretrained(tmp_path).eval()
    with torch.no_grad():
        assert torch.equal(loaded(content(), noise()), generator(content(), noise()))


def test_the_constructor_arguments_are_model_config_fields():
    """The generator's arguments are listed once: ModelConfig's fields, with its defaults."""
    import inspect
    from dataclasses import fields

    from stylegan_app.config import ModelConfig

    params = inspect.signature(Generator.__init__).parameters
    assert [name for name in params if name != "self"] == [f.name for f in fields(ModelConfig)]
    assert Generator().config == ModelConfig()
