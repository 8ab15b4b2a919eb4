"""Tests for crops.py: crop shape, seeded determinism, upscaling small images, flips."""

import pytest
import torch

from stylegan_app.engine.crops import CropSampler, random_crop


def image(height: int, width: int, seed: int = 0) -> torch.Tensor:
    """A seeded (1, 3, H, W) image in [-1, 1]."""
    return torch.rand(1, 3, height, width, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def rng(seed: int = 0) -> torch.Generator:
    """A seeded CPU generator."""
    return torch.Generator().manual_seed(seed)


def test_sample_shape():
    sampler = CropSampler([image(40, 50), image(36, 64, seed=1)], crop=32)
    assert sampler.sample(3, rng()).shape == (3, 3, 32, 32)


def test_same_seed_gives_same_crops():
    sampler = CropSampler([image(40, 50), image(36, 64, seed=1)], crop=32)
    assert torch.equal(sampler.sample(4, rng(7)), sampler.sample(4, rng(7)))


def test_different_seeds_give_different_crops():
    sampler = CropSampler([image(40, 50), image(36, 64, seed=1)], crop=32)
    assert not torch.equal(sampler.sample(4, rng(7)), sampler.sample(4, rng(8)))


def test_small_image_is_upscaled_to_the_crop():
    sampler = CropSampler([image(16, 24)], crop=32)
    assert tuple(sampler.images[0].shape) == (1, 3, 32, 48)  # aspect ratio kept


def test_small_image_still_gives_full_crops():
    assert CropSampler([image(16, 24)], crop=32).sample(2, rng()).shape == (2, 3, 32, 32)


def test_both_orientations_occur():
    ramp = torch.linspace(-1, 1, 32).expand(1, 3, 32, 32)  # left-right asymmetric, crop-sized so only flips vary
    crops = CropSampler([ramp], crop=32).sample(40, rng())
    plain = [torch.equal(c, ramp[0]) for c in crops]
    flipped = [torch.equal(c, ramp[0].flip(-1)) for c in crops]
    assert any(plain) and any(flipped) and all(p or f for p, f in zip(plain, flipped, strict=True))


def test_needs_an_image():
    with pytest.raises(ValueError):
        CropSampler([], crop=32)


def test_random_crop_is_seeded_and_upscales_a_small_image():
    small = torch.rand(1, 3, 10, 20, generator=torch.Generator().manual_seed(0))
    a = random_crop(small, 16, torch.Generator().manual_seed(3))
    b = random_crop(small, 16, torch.Generator().manual_seed(3))
    assert a.shape == (1, 3, 16, 16) and torch.equal(a, b)


def test_the_sampler_draws_the_crops_random_crop_draws():
    """One crop sampler: CropSampler is random_crop on a randomly chosen image, from the same random stream."""
    image = torch.rand(1, 3, 40, 40, generator=torch.Generator().manual_seed(0))
    from_sampler = CropSampler([image], 16).sample(1, torch.Generator().manual_seed(5))
    rng = torch.Generator().manual_seed(5)
    torch.randint(1, (1,), generator=rng)  # the sampler's choice of image
    assert torch.equal(from_sampler, random_crop(image, 16, rng))
