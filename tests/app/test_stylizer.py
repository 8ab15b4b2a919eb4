"""Stylizer: a preset or a style image -> seeded candidates."""

import pytest

from stylegan_app.app.stylizer import Stylizer
from stylegan_app.config import Limits, Settings


@pytest.fixture
def stylizer(tiny_styles_dir, data_dir):
    return Stylizer.for_style("alpha", "cpu", Settings(data_dir=data_dir, styles_dir=tiny_styles_dir))


def test_candidates_count_and_size(stylizer, rgb_image):
    images = stylizer.candidates(rgb_image, n=3, seed=0, size=64)
    assert len(images) == 3
    assert all(im.mode == "RGB" and max(im.size) == 64 for im in images)


def test_same_seed_same_images(stylizer, rgb_image):
    a = stylizer.candidates(rgb_image, n=2, seed=5, size=64)
    b = stylizer.candidates(rgb_image, n=2, seed=5, size=64)
    assert [im.tobytes() for im in a] == [im.tobytes() for im in b]


def test_other_seed_other_images(stylizer, rgb_image):
    a = stylizer.candidates(rgb_image, n=1, seed=1, size=64)[0]
    b = stylizer.candidates(rgb_image, n=1, seed=2, size=64)[0]
    assert a.tobytes() != b.tobytes()


@pytest.mark.parametrize("n", [0, Limits().max_candidates + 1])
def test_bad_count_refused(stylizer, rgb_image, n):
    with pytest.raises(ValueError, match="number of candidates"):
        stylizer.candidates(rgb_image, n=n)


@pytest.mark.parametrize("size", [8, Limits().max_size + 1, 2048])
def test_bad_size_refused(stylizer, rgb_image, size):
    with pytest.raises(ValueError, match="output size"):
        stylizer.candidates(rgb_image, n=1, size=size)


def test_unknown_style_refused(tiny_styles_dir, data_dir):
    with pytest.raises(ValueError, match="neither a preset"):
        Stylizer.for_style("no_such_style", "cpu", Settings(data_dir=data_dir, styles_dir=tiny_styles_dir))


def test_an_exported_model_folder_paints_like_its_preset(tiny_styles_dir, data_dir, rgb_image):
    settings = Settings(data_dir=data_dir, styles_dir=tiny_styles_dir)
    from_folder = Stylizer.for_style(str(tiny_styles_dir / "alpha"), "cpu", settings).candidates(rgb_image, n=2, seed=3, size=64)
    from_name = Stylizer.for_style("alpha", "cpu", settings).candidates(rgb_image, n=2, seed=3, size=64)
    assert [a.tobytes() for a in from_folder] == [b.tobytes() for b in from_name]


def test_a_broken_model_folder_is_refused(tiny_styles_dir, data_dir, tmp_path):
    import shutil

    folder = tmp_path / "broken"
    shutil.copytree(tiny_styles_dir / "alpha", folder)
    (folder / "model.safetensors").write_bytes(b"\x00" * 4)
    with pytest.raises(ValueError, match="truncated"):
        Stylizer.for_style(str(folder), "cpu", Settings(data_dir=data_dir, styles_dir=tiny_styles_dir))


def test_an_unknown_hub_id_offline_is_a_clear_error(tiny_styles_dir, data_dir):
    with pytest.raises(ValueError, match="unreachable"):
        Stylizer.for_style("nobody/nothing", "cpu", Settings(data_dir=data_dir, styles_dir=tiny_styles_dir))


def test_a_mix_of_presets_stylizes(tiny_multi_styles_dir, data_dir, rgb_image):
    settings = Settings(data_dir=data_dir, styles_dir=tiny_multi_styles_dir)
    mixed = Stylizer.for_style("gamma=0.5,delta=0.5", "cpu", settings).candidates(rgb_image, n=1, seed=0, size=64)[0]
    gamma = Stylizer.for_style("gamma", "cpu", settings).candidates(rgb_image, n=1, seed=0, size=64)[0]
    assert mixed.size == gamma.size and mixed.tobytes() != gamma.tobytes()


def test_a_mix_with_a_single_style_preset_is_refused(tiny_multi_styles_dir, data_dir):
    with pytest.raises(ValueError, match="cannot be mixed"):
        Stylizer.for_style("gamma=0.5,solo=0.5", "cpu", Settings(data_dir=data_dir, styles_dir=tiny_multi_styles_dir))
