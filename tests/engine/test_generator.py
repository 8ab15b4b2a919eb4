"""Tests for generator.py: shapes, finiteness, determinism, z matters, attention, Hub round trip."""

from dataclasses import asdict, replace

import pytest
import torch
import torch.nn.functional as F

from stylegan_app.engine.generator import OUTPUT_GAIN, Generator, ModulatedNorm, SelfAttention, regional_norm
from stylegan_app.engine.regions import CodeMap


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


def test_a_sharp_attention_map_holds_no_subnormal_weights_and_is_the_plain_softmax():
    block = SelfAttention(16)
    with torch.no_grad():
        block.query.weight.mul_(60.0)  # logits spread over hundreds, as in a trained network
        torch.nn.init.constant_(block.gain, 1.0)
    x = torch.randn(1, 16, 12, 10, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        out = block(x)
        q, k = block.query(x).flatten(2).transpose(1, 2), block.key(x).flatten(2)
        plain = torch.softmax(q @ k / 2**0.5, dim=-1)  # / sqrt(C/8), C/8 = 2
        expected = x + (block.value(x).flatten(2) @ plain.transpose(1, 2)).view_as(x)
    tiny = torch.finfo(torch.float32).tiny
    assert ((plain > 0) & (plain < tiny)).any()  # the plain softmax does produce subnormal weights here
    guarded = block.weights(x)
    assert not ((guarded > 0) & (guarded < tiny)).any()
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)


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


def test_a_multi_style_generator_paints_each_code_differently(model_cfg):
    generator = seeded_generator(replace(model_cfg, n_styles=3, style_dim=4))
    one_hot = torch.eye(3)
    with torch.no_grad():
        a = generator(content(), noise(), generator.mix(one_hot[:1]))
        b = generator(content(), noise(), generator.mix(one_hot[1:2]))
    assert (a - b).abs().mean() > 1e-3


def test_a_mix_is_the_weighted_sum_of_codes(model_cfg):
    generator = seeded_generator(replace(model_cfg, n_styles=3, style_dim=4))
    mixed = generator.mix(torch.tensor([[0.7, 0.3, 0.0]]))
    torch.testing.assert_close(mixed[0], 0.7 * generator.style_codes[0] + 0.3 * generator.style_codes[1])


def test_a_multi_style_generator_needs_a_code_and_a_single_style_one_refuses_one(model_cfg):
    multi, single = seeded_generator(replace(model_cfg, n_styles=2, style_dim=4)), seeded_generator(model_cfg)
    with pytest.raises(ValueError, match="needs a style code"):
        multi(content(), noise())
    with pytest.raises(ValueError, match="takes none"):
        single(content(), noise(), torch.zeros(1, 4))
    with pytest.raises(ValueError, match="single style"):
        single.mix(torch.ones(1, 2))


def test_a_multi_style_generator_round_trips_through_its_config(model_cfg, tmp_path):
    from stylegan_app.engine.checkpoint import load_generator, save_generator

    generator = seeded_generator(replace(model_cfg, n_styles=2, style_dim=4))
    save_generator(generator, tmp_path)
    loaded = load_generator(tmp_path)
    assert loaded.config == generator.config and torch.equal(loaded.style_codes, generator.style_codes)


def test_with_code_bakes_the_code_into_an_identical_single_style_generator(model_cfg):
    generator = seeded_generator(replace(model_cfg, n_styles=3, style_dim=4))
    code = generator.mix(torch.tensor([[0.2, 0.5, 0.3]]))
    baked = generator.with_code(code[0])
    with torch.no_grad():
        torch.testing.assert_close(baked(content(), noise()), generator(content(), noise(), code))
    assert baked.style_codes is None and baked.config.n_styles == 0


def halves(height: int, width: int) -> torch.Tensor:
    """(2, height, width) weights: the left half, then the right."""
    left = torch.zeros(height, width)
    left[:, : width // 2] = 1.0
    return torch.stack([left, 1.0 - left])


def test_a_uniform_map_of_codes_paints_as_its_code(model_cfg):
    generator = seeded_generator(replace(model_cfg, n_styles=3, style_dim=4, attention=True))
    code = generator.mix(torch.tensor([[0.2, 0.5, 0.3]]))
    with torch.no_grad():
        torch.testing.assert_close(generator(content(), noise(), CodeMap(code[:, None], torch.ones(1, 5, 7))),
                                   generator(content(), noise(), code))  # fmt: skip


def strongly_styled(model_cfg, n_styles: int) -> Generator:
    """A random multi-style generator with codes far apart and a strong modulation, as in a trained network."""
    generator = seeded_generator(replace(model_cfg, n_styles=n_styles, style_dim=4, attention=True), seed=3)
    with torch.no_grad():
        generator.style_codes.mul_(4.0)
        generator.attention.gain.fill_(1.0)
        for norm in (m for m in generator.modules() if isinstance(m, ModulatedNorm)):
            norm.affine.weight.mul_(10.0)
    return generator


def test_a_map_of_two_codes_paints_each_half_in_its_own(model_cfg):
    generator = strongly_styled(model_cfg, 2)
    a, b = generator.style_codes[:1], generator.style_codes[1:]
    photo = content(64, 96)
    with torch.no_grad():
        both, only_a, only_b = (generator(photo, noise(), c) for c in (CodeMap(torch.stack([a, b], dim=1), halves(8, 12)), a, b))
    # Away from the seam in the middle. Not equal to the one-code outputs: those normalise over the whole image, each
    # half of the map over itself, and convolutions see across the seam.
    left, right = slice(0, 32), slice(64, 96)
    assert (both[..., left] - only_a[..., left]).abs().mean() < 0.75 * (both[..., left] - only_b[..., left]).abs().mean()
    assert (both[..., right] - only_b[..., right]).abs().mean() < 0.75 * (both[..., right] - only_a[..., right]).abs().mean()


def test_one_region_s_painting_does_not_reach_into_another(model_cfg):
    """Each region is normalised on its own statistics and attends within itself: changing the right half's painting
    leaves the left half (away from the seam) nearly as it was."""
    generator = strongly_styled(model_cfg, 3)
    a, b, c = (generator.style_codes[k : k + 1] for k in range(3))
    photo, weights = content(64, 96), halves(8, 12)
    with torch.no_grad():
        ab, ac = (generator(photo, noise(), CodeMap(torch.stack([a, other], dim=1), weights)) for other in (b, c))
    left, right = slice(0, 32), slice(64, 96)
    # Measured 0.27 (convolutions still see across the seam); 0.72 with instance norm over the whole image.
    assert (ab[..., left] - ac[..., left]).abs().mean() < 0.4 * (ab[..., right] - ac[..., right]).abs().mean()


def test_regional_norm_of_one_region_is_instance_norm():
    x = content(16, 24, batch=2)
    torch.testing.assert_close(regional_norm(x, torch.ones(1, 2, 3)), F.instance_norm(x), atol=1e-4, rtol=1e-4)
