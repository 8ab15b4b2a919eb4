"""Tests for checkpoint.py: save -> load round trip, atomic writes, and every kind of bad folder refused."""

import json
import pickle
from dataclasses import replace

import pytest
import torch
from safetensors.torch import load_file, save_file

from stylegan_app.engine.checkpoint import CONFIG_NAME, WEIGHTS_NAME, atomic_write, atomic_write_json, load_generator, save_generator
from stylegan_app.engine.generator import Generator


@pytest.fixture
def generator(model_cfg) -> Generator:
    """A seeded tiny generator with attention switched on, so every kind of layer is saved."""
    torch.manual_seed(0)
    generator = Generator.from_config(replace(model_cfg, attention=True)).eval()
    torch.nn.init.constant_(generator.attention.gain, 0.5)
    return generator


@pytest.fixture
def saved(generator, tmp_path):
    """A folder written by save_generator."""
    folder = tmp_path / "model"
    save_generator(generator, folder)
    return folder


def output(generator: Generator) -> torch.Tensor:
    """The generator's output on a fixed seeded input."""
    x = torch.rand(1, 3, 24, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        return generator(x, torch.randn(1, generator.z_dim, generator=torch.Generator().manual_seed(1)))


def test_round_trip_gives_identical_output(generator, saved):
    assert torch.equal(output(load_generator(saved)), output(generator))


def test_round_trip_gives_identical_state(generator, saved):
    loaded = load_generator(saved).state_dict()
    assert loaded.keys() == generator.state_dict().keys()
    assert all(torch.equal(loaded[k], v) for k, v in generator.state_dict().items())


def test_round_trip_keeps_config(generator, saved):
    assert load_generator(saved).config_dict() == generator.config_dict()


def test_no_temp_files_left(saved):
    assert sorted(p.name for p in saved.iterdir()) == [CONFIG_NAME, WEIGHTS_NAME]


def test_saved_folder_loads_with_the_hub_mixin(generator, saved):
    assert torch.equal(output(Generator.from_pretrained(saved)), output(generator))


def edit_weights(folder, edit) -> None:
    """Rewrite model.safetensors after edit(state) changed the tensors."""
    state = load_file(str(folder / WEIGHTS_NAME))
    edit(state)
    save_file(state, str(folder / WEIGHTS_NAME))


def edit_config(folder, edit) -> None:
    """Rewrite config.json after edit(config) changed it."""
    config = json.loads((folder / CONFIG_NAME).read_text())
    edit(config)
    (folder / CONFIG_NAME).write_text(json.dumps(config))


def truncate(folder) -> None:
    """Keep only the first half of model.safetensors."""
    data = (folder / WEIGHTS_NAME).read_bytes()
    (folder / WEIGHTS_NAME).write_bytes(data[: len(data) // 2])


BAD_FOLDERS = {
    "nan": (lambda f: edit_weights(f, lambda s: s["to_rgb.weight"].view(-1)[0].fill_(float("nan"))), "NaN"),
    "inf": (lambda f: edit_weights(f, lambda s: s["to_rgb.bias"].fill_(float("inf"))), "infinite"),
    "wrong-shape": (lambda f: edit_weights(f, lambda s: s.update({"to_rgb.bias": torch.zeros(4)})), "to_rgb.bias is \\(4,\\)"),
    "wrong-dtype": (lambda f: edit_weights(f, lambda s: s.update({"to_rgb.bias": s["to_rgb.bias"].half()})), "float16"),
    "missing-tensor": (lambda f: edit_weights(f, lambda s: s.pop("to_rgb.bias")), "missing \\['to_rgb.bias'\\]"),
    "extra-tensor": (lambda f: edit_weights(f, lambda s: s.update({"spare": torch.zeros(1)})), "unexpected \\['spare'\\]"),
    "unknown-config-key": (lambda f: edit_config(f, lambda c: c.update(depth=3)), "Unknown style model settings.*depth"),
    "bad-config-value": (lambda f: edit_config(f, lambda c: c.update(channels=[8, 8])), "Invalid style model settings"),
    "negative-size": (lambda f: edit_config(f, lambda c: c.update(z_dim=-1)), "Invalid style model settings"),
    "unknown-kind": (lambda f: edit_config(f, lambda c: c.update(kind="vae")), "unknown kind of model 'vae'"),
    "other-kind-s-settings": (lambda f: edit_config(f, lambda c: c.update(kind="dcgan")), "Unknown dcgan model settings"),
    "config-not-an-object": (lambda f: (f / CONFIG_NAME).write_text("null"), "config.json"),
    "config-not-json": (lambda f: (f / CONFIG_NAME).write_text("{'z_dim': 8"), "Cannot read .*config.json"),
    "missing-config": (lambda f: (f / CONFIG_NAME).unlink(), "Cannot read .*config.json"),
    "missing-weights": (lambda f: (f / WEIGHTS_NAME).unlink(), "Cannot read .*model.safetensors"),
    "truncated-weights": (truncate, "Cannot read .*model.safetensors"),
    "pickle-as-weights": (lambda f: (f / WEIGHTS_NAME).write_bytes(pickle.dumps({"a": 1})), "Cannot read .*model.safetensors"),
}


@pytest.mark.parametrize("damage", BAD_FOLDERS.values(), ids=BAD_FOLDERS.keys())
def test_load_refuses_bad_folder(saved, damage):
    corrupt, message = damage
    corrupt(saved)
    with pytest.raises(ValueError, match=message):
        load_generator(saved)


def test_atomic_write_keeps_old_file_when_writer_fails(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old")

    def failing(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, failing)
    assert path.read_text() == "old"


def test_atomic_write_cleans_up_when_writer_fails(tmp_path):
    def failing(tmp):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "file.txt", failing)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_json_round_trip(tmp_path):
    data = {"b": [1, 2], "a": {"c": None}}
    atomic_write_json(tmp_path / "sub" / "data.json", data)
    assert json.loads((tmp_path / "sub" / "data.json").read_text()) == data
