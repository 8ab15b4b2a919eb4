"""Tests for presets.py: which folders count as presets, lookup by name, the style image."""

import json

import pytest
from PIL import Image

from stylegan_app.engine.checkpoint import CONFIG_NAME, WEIGHTS_NAME
from stylegan_app.engine.presets import Preset, check_mix, get_preset, list_presets, mix_text, parse_mix

COMPLETE = (CONFIG_NAME, WEIGHTS_NAME, "metadata.json")


def make_folder(root, name: str, files: tuple[str, ...], style: str | None = "style.png"):
    """A preset folder holding placeholder files and, unless style is None, a real grey style image."""
    folder = root / name
    folder.mkdir()
    for file in files:
        (folder / file).write_text(json.dumps({"title": name}))
    if style is not None:
        Image.new("L", (24, 20), 128).save(folder / style)  # greyscale, so loading must convert it
    return folder


@pytest.fixture
def styles_dir(tmp_path):
    """Two complete presets (PNG and JPEG painting) and three incomplete folders."""
    root = tmp_path / "styles"
    root.mkdir()
    make_folder(root, "wave", COMPLETE)
    make_folder(root, "cafe", COMPLETE, style="style.jpg")
    make_folder(root, "no_weights", (CONFIG_NAME, "metadata.json"))
    make_folder(root, "no_metadata", (CONFIG_NAME, WEIGHTS_NAME))
    make_folder(root, "no_painting", COMPLETE, style=None)
    (root / "notes.txt").write_text("not a folder")
    return root


def test_list_presets_counts_only_complete_folders(styles_dir):
    assert [p.name for p in list_presets(styles_dir)] == ["cafe", "wave"]


def test_list_presets_of_missing_dir_is_empty(tmp_path):
    assert list_presets(tmp_path / "absent") == []


def test_get_preset_by_name(styles_dir):
    assert get_preset("wave", styles_dir) == Preset("wave", styles_dir / "wave")


def test_get_preset_unknown_name_lists_the_names(styles_dir):
    with pytest.raises(ValueError, match="Unknown preset 'waves'.*cafe, wave"):
        get_preset("waves", styles_dir)


def test_get_preset_incomplete_folder_is_unknown(styles_dir):
    with pytest.raises(ValueError):
        get_preset("no_weights", styles_dir)


def test_get_preset_says_when_none_are_installed(tmp_path):
    with pytest.raises(ValueError, match="none installed"):
        get_preset("wave", tmp_path)


@pytest.mark.parametrize("name", ["wave", "cafe"])
def test_style_image_is_rgb(styles_dir, name):
    image = get_preset(name, styles_dir).style_image()
    assert image.mode == "RGB" and image.size == (24, 20)


def test_metadata_is_read(styles_dir):
    assert get_preset("cafe", styles_dir).metadata() == {"title": "cafe"}


def test_presets_that_point_at_a_network_are_listed_with_their_codes(tiny_multi_styles_dir):
    presets = {p.name: p for p in list_presets(tiny_multi_styles_dir)}
    assert sorted(presets) == ["delta", "gamma", "solo"]  # _network has no metadata: not a preset
    assert presets["delta"].weights_folder == (tiny_multi_styles_dir / "_network").resolve() and presets["delta"].code_index == 1
    assert presets["solo"].weights_folder == tiny_multi_styles_dir / "solo" and presets["solo"].code_index is None


def test_a_preset_pointing_at_a_missing_network_is_not_listed(tiny_multi_styles_dir, tmp_path):
    import json
    import shutil

    shutil.copytree(tiny_multi_styles_dir / "gamma", tmp_path / "gamma")
    (tmp_path / "gamma" / "metadata.json").write_text(json.dumps({"network": "../nowhere", "code": 0}))
    assert list_presets(tmp_path) == []


def test_parse_mix_reads_names_and_weights():
    assert parse_mix("great_wave=0.7, night_cafe=0.3") == {"great_wave": 0.7, "night_cafe": 0.3}


@pytest.mark.parametrize("text", ["great_wave", "great_wave=a", "=0.5", "a=0.5,"])
def test_parse_mix_refuses_what_is_not_name_weight(text):
    with pytest.raises(ValueError, match="name=weight"):
        parse_mix(text)


def test_check_mix_normalises_and_sorts(tiny_multi_styles_dir):
    assert check_mix({"gamma": 3, "delta": 1}, tiny_multi_styles_dir) == {"delta": 0.25, "gamma": 0.75}


@pytest.mark.parametrize(("mix", "message"), [({}, "at least one"), ({"gamma": 0}, "positive"), ({"gamma": -1}, "positive"),
                                              ({"gamma": float("nan")}, "positive"), ({"nope": 1}, "Unknown preset"),
                                              ({"solo": 1}, "single-style")])  # fmt: skip
def test_check_mix_refuses_a_bad_mix(tiny_multi_styles_dir, mix, message):
    with pytest.raises(ValueError, match=message):
        check_mix(mix, tiny_multi_styles_dir)


def test_mix_text_reads_back(tiny_multi_styles_dir):
    mix = check_mix({"gamma": 2, "delta": 1}, tiny_multi_styles_dir)
    assert parse_mix(mix_text(mix)) == pytest.approx(mix, rel=1e-3)
