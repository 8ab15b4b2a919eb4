"""ModelFiles: saved versions load back identical, tampering is caught, paths never collide, presets resolve."""

import pytest
import torch

from stylegan_app.app.model_files import PRESET_PREFIX, ModelFiles, file_sha256
from stylegan_app.engine.checkpoint import WEIGHTS_NAME
from stylegan_app.engine.generator import Generator


@pytest.fixture
def files(data_dir, tiny_styles_dir):
    return ModelFiles(data_dir, tiny_styles_dir, "cpu")


@pytest.fixture
def generator(model_cfg):
    torch.manual_seed(0)
    return Generator.from_config(model_cfg).eval()


def test_save_then_load_gives_the_same_outputs(files, generator):
    path, sha = files.save(generator, "s1", 1)
    assert path == "models/s1/1" and sha == file_sha256(files.folder(path) / WEIGHTS_NAME)
    rng = torch.Generator().manual_seed(0)
    x, z = torch.rand(1, 3, 32, 32, generator=rng) * 2 - 1, torch.randn(1, generator.z_dim, generator=rng)
    with torch.no_grad():
        assert torch.equal(files.load(path, sha, 1)(x, z), generator(x, z))


def test_a_round_saved_twice_gets_a_new_folder(files, generator):
    first, _ = files.save(generator, "s1", 1)
    second, _ = files.save(generator, "s1", 1)
    assert (first, second) == ("models/s1/1", "models/s1/1.2")


def test_changed_weights_on_disk_are_refused(files, generator):
    path, sha = files.save(generator, "s1", 2)
    (files.folder(path) / WEIGHTS_NAME).write_bytes(b"not the saved weights")
    with pytest.raises(ValueError, match="changed on disk"):
        files.load(path, sha, 2)


def test_cached_generator_is_served_and_a_new_cache_checks_again(files, generator):
    path, sha = files.save(generator, "s1", 1)
    assert files.load(path, sha, 1) is files.load(path, sha, 1)
    (files.folder(path) / WEIGHTS_NAME).write_bytes(b"tampered")
    assert files.load(path, sha, 1) is not None  # still the checked, cached one
    with pytest.raises(ValueError):
        ModelFiles(files.data_dir, files.styles_dir, files.device).load(path, sha, 1)


def test_preset_paths_point_into_the_styles_folder(files, tiny_styles_dir):
    assert files.folder(PRESET_PREFIX + "alpha") == tiny_styles_dir / "alpha"
    with pytest.raises(ValueError, match="Unknown preset"):
        files.folder(PRESET_PREFIX + "nope")
