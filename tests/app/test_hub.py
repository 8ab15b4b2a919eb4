"""Tests for hub.py, all offline: export -> load round trips, the model card, pull from a Hugging Face cache built here, refusals."""

import hashlib
import json
import os
import pickle
import time
from dataclasses import replace
from pathlib import Path

import huggingface_hub
import pytest
import torch
from huggingface_hub import ModelCard
from PIL import Image
from safetensors.torch import load, save

from stylegan_app.app import hub as hub_module
from stylegan_app.app.hub import CARD_NAME, SAMPLES_NAME, STYLE_NAME, TAGS, CardInfo, export_folder, list_shared, model_card, pull
from stylegan_app.engine.checkpoint import CONFIG_NAME, WEIGHTS_NAME, load_generator
from stylegan_app.engine.generator import Generator

REPO = "alice/my-style"
COMMIT_A, COMMIT_B = "a" * 40, "b" * 40
INFO = CardInfo(
    style="Katsushika Hokusai, The Great Wave off Kanagawa",
    style_licence="Public domain",
    rounds=3,
    picks=5,
    training={"lr": 0.0002, "steps": 40},
    base_model="bob/wave",
    base_preset="hokusai",
    lineage=("preset:hokusai", "bob/wave@" + "c" * 40),
)


@pytest.fixture(autouse=True)
def offline():
    """Every test here must run with huggingface_hub in offline mode (conftest sets HF_HUB_OFFLINE before the import)."""
    assert huggingface_hub.constants.HF_HUB_OFFLINE


@pytest.fixture
def generator(model_cfg) -> Generator:
    """The tiny seeded generator: channels (8, 8, 8), one residual block."""
    torch.manual_seed(0)
    return Generator.from_config(model_cfg).eval()


@pytest.fixture
def exported(generator, tmp_path) -> Path:
    """A folder written by export_folder."""
    return export_folder(generator, tmp_path / "export", INFO, Image.new("RGB", (32, 16), "red"), Image.new("RGB", (16, 16), "blue"))


@pytest.fixture
def files(exported) -> dict[str, bytes]:
    """The exported files as bytes, ready to be written into a cache (tests alter them first)."""
    return {p.name: p.read_bytes() for p in exported.iterdir()}


def output(generator: Generator) -> torch.Tensor:
    """The generator's output on a fixed seeded input and z."""
    x = torch.rand(1, 3, 24, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        return generator(x, torch.randn(1, generator.z_dim, generator=torch.Generator().manual_seed(1)))


def write_repo(cache: Path, repo_id: str, files: dict[str, bytes], commit: str, ref: str = "main") -> Path:
    """Lay files out as huggingface_hub's cache does: content-addressed blobs, relative symlinks per commit, refs/<ref>."""
    storage = cache / f"models--{repo_id.replace('/', '--')}"
    snapshot = storage / "snapshots" / commit
    (storage / "blobs").mkdir(parents=True, exist_ok=True)
    snapshot.mkdir(parents=True)
    for name, data in files.items():
        lfs = not name.endswith((".json", ".md"))  # the Hub names LFS blobs by sha256, plain git files by their git blob sha1
        blob = hashlib.sha256(data).hexdigest() if lfs else hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        (storage / "blobs" / blob).write_bytes(data)
        os.symlink(os.path.relpath(storage / "blobs" / blob, snapshot), snapshot / name)
    (storage / "refs").mkdir(exist_ok=True)
    (storage / "refs" / ref).write_text(commit)  # no newline: huggingface_hub reads the file verbatim
    return snapshot


def cached(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A cache holding files as alice/my-style at COMMIT_A on main."""
    write_repo(tmp_path / "cache", REPO, files, COMMIT_A)
    return tmp_path / "cache"


def with_weights(files: dict[str, bytes], edit) -> dict[str, bytes]:
    """files with model.safetensors rewritten after edit(state)."""
    state = load(files[WEIGHTS_NAME])
    edit(state)
    return {**files, WEIGHTS_NAME: save(state, metadata={"format": "pt"})}


class CreatesMarker:
    """A pickle payload that creates a file when unpickled, so a test can tell whether anything unpickled it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


# Export -> load


def test_exported_folder_loads_with_the_hub_mixin(generator, exported):
    assert torch.equal(output(Generator.from_pretrained(exported)), output(generator))


def test_exported_folder_loads_with_load_generator(generator, exported):
    assert torch.equal(output(load_generator(exported)), output(generator))


# The model card


def test_card_metadata(exported):
    data = ModelCard.load(exported / CARD_NAME).data.to_dict()
    assert (data["library_name"], data["pipeline_tag"], data["license"], data["tags"]) == ("stylegan_app", "image-to-image", "mit", TAGS)
    assert (data["lineage"], data["rounds"], data["picks"]) == (list(INFO.lineage), 3, 5)


def test_card_names_its_base_model_as_a_finetune(exported):
    data = ModelCard.load(exported / CARD_NAME).data.to_dict()
    assert (data["base_model"], data["base_model_relation"]) == ("bob/wave", "finetune")


def test_card_without_base_model_has_no_base_model_metadata(tmp_path):
    model_card(replace(INFO, base_model=None)).save(tmp_path / CARD_NAME)
    data = ModelCard.load(tmp_path / CARD_NAME).data.to_dict()
    assert "base_model" not in data and "base_model_relation" not in data


def test_card_body_links_samples_and_style_and_names_the_licence(exported):
    text = ModelCard.load(exported / CARD_NAME).text
    assert f"]({SAMPLES_NAME})" in text and f"]({STYLE_NAME})" in text and "Licence of the style image: Public domain" in text


def test_card_body_shows_training_settings_and_usage(exported):
    text = ModelCard.load(exported / CARD_NAME).text
    assert "| lr | 0.0002 |" in text and "| steps | 40 |" in text
    assert "Generator.from_pretrained(" in text and "stylegan-app stylize --style" in text


def test_the_cards_usage_code_runs_as_written(exported, tmp_path, rgb_image):
    """The Python block of the card's "Use" section paints 8 images, with only the model id and photo filled in."""
    text = ModelCard.load(exported / CARD_NAME).text
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    rgb_image.save(tmp_path / "photo.jpg")
    code = code.replace('"path/or/user/repo"', repr(str(exported))).replace('"photo.jpg"', repr(str(tmp_path / "photo.jpg")))
    scope: dict = {}
    exec(code, scope)  # noqa: S102 - the card's own example, run as a reader would
    assert len(scope["paintings"]) == 8 and all(im.mode == "RGB" for im in scope["paintings"])


# Pull from the local cache


def test_pull_resolves_main_to_its_commit_and_snapshot(tmp_path, files):
    pulled = pull(REPO, cache_dir=cached(tmp_path, files))
    assert (pulled.repo_id, pulled.commit) == (REPO, COMMIT_A)
    assert pulled.folder == (tmp_path / "cache" / "models--alice--my-style" / "snapshots" / COMMIT_A).resolve()


def test_pull_parses_the_card(tmp_path, files):
    assert pull(REPO, cache_dir=cached(tmp_path, files)).card.data.library_name == "stylegan_app"


def test_pull_lineage_extends_the_cards_lineage(tmp_path, files):
    assert pull(REPO, cache_dir=cached(tmp_path, files)).lineage == (*INFO.lineage, f"{REPO}@{COMMIT_A}")


def test_pull_pins_to_a_commit_that_main_does_not_point_to(tmp_path, files):
    cache = cached(tmp_path, files)
    write_repo(cache, REPO, files, COMMIT_B, ref="other")
    pulled = pull(REPO, revision=COMMIT_B, cache_dir=cache)
    assert (pulled.commit, pulled.folder.name) == (COMMIT_B, COMMIT_B)


def test_pull_resolves_another_branch(tmp_path, files):
    cache = cached(tmp_path, files)
    write_repo(cache, REPO, files, COMMIT_B, ref="other")
    assert pull(REPO, revision="other", cache_dir=cache).commit == COMMIT_B


# Refusals


def test_pull_refuses_pickled_weights_without_unpickling_them(tmp_path, files):
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(CreatesMarker(marker))
    cache = cached(tmp_path, {CONFIG_NAME: files[CONFIG_NAME], "pytorch_model.bin": payload})
    with pytest.raises(ValueError, match="pickled weights .*never loaded"):
        pull(REPO, cache_dir=cache)
    assert not marker.exists()
    pickle.loads(payload)  # the control: the payload really would have left the marker
    assert marker.exists()


def test_pull_refuses_weights_of_other_shapes(tmp_path, files, model_cfg):
    torch.manual_seed(0)
    wider = Generator.from_config(replace(model_cfg, channels=(8, 8, 16)))
    weights = save({k: v.contiguous() for k, v in wider.state_dict().items()}, metadata={"format": "pt"})
    with pytest.raises(ValueError, match="Checkpoint tensor .* expected"):
        pull(REPO, cache_dir=cached(tmp_path, {**files, WEIGHTS_NAME: weights}))


def test_pull_refuses_a_nan_weight(tmp_path, files):
    def poison(state):
        state["to_rgb.weight"].view(-1)[0] = float("nan")

    with pytest.raises(ValueError, match="NaN"):
        pull(REPO, cache_dir=cached(tmp_path, with_weights(files, poison)))


def test_pull_refuses_truncated_weights(tmp_path, files):
    with pytest.raises(ValueError, match="truncated"):
        pull(REPO, cache_dir=cached(tmp_path, {**files, WEIGHTS_NAME: files[WEIGHTS_NAME][:64]}))


def test_pull_refuses_an_oversized_safetensors_header(tmp_path, files):
    weights = (2 * 1024 * 1024).to_bytes(8, "little") + b"{}" + bytes(1024)
    with pytest.raises(ValueError, match="header; the limit is"):
        pull(REPO, cache_dir=cached(tmp_path, {**files, WEIGHTS_NAME: weights}))


def test_pull_refuses_a_header_claiming_more_data_than_the_file_holds(tmp_path, files):
    with pytest.raises(ValueError, match="header says"):
        pull(REPO, cache_dir=cached(tmp_path, {**files, WEIGHTS_NAME: files[WEIGHTS_NAME][:-4]}))


def test_pull_refuses_an_unknown_config_key(tmp_path, files):
    config = {**json.loads(files[CONFIG_NAME]), "activation": "gelu"}
    with pytest.raises(ValueError, match="Unknown style model settings"):
        pull(REPO, cache_dir=cached(tmp_path, {**files, CONFIG_NAME: json.dumps(config).encode()}))


def test_pull_refuses_a_config_over_64_kb(tmp_path, files):
    config = files[CONFIG_NAME] + b" " * (65 * 1024)  # still valid JSON: only its size is wrong
    with pytest.raises(ValueError, match="config.json is .* bytes; the limit is 65,536"):
        pull(REPO, cache_dir=cached(tmp_path, {**files, CONFIG_NAME: config}))


@pytest.mark.parametrize("outside", ["../refs/main", "/ref"])
def test_pull_refuses_a_revision_read_from_outside_refs(tmp_path, files, outside):
    cache = cached(tmp_path, files)  # "../refs/main" climbs out of refs/ and back; "/ref" is an absolute path holding COMMIT_A
    (tmp_path / "ref").write_text(COMMIT_A)
    revision = str(tmp_path / "ref") if outside == "/ref" else outside
    with pytest.raises(ValueError, match="A revision is a branch, tag or commit id"):
        pull(REPO, revision=revision, cache_dir=cache)


@pytest.mark.parametrize("repo_id", ["a", "a/b/c", "../x"])
def test_pull_refuses_a_repo_id_that_is_not_user_slash_name(tmp_path, repo_id):
    with pytest.raises(ValueError, match="user/model-name"):
        pull(repo_id, cache_dir=tmp_path)


def test_pull_of_a_repo_not_in_the_cache_says_the_hub_is_unreachable(tmp_path):
    with pytest.raises(ValueError, match="unreachable and 'alice/my-style' is not in the local cache"):
        pull(REPO, cache_dir=tmp_path / "empty")


def test_list_shared_offline_says_the_hub_is_unreachable():
    with pytest.raises(ValueError, match="Hub is unreachable"):
        list_shared()


def test_a_hub_that_does_not_answer_is_called_offline_within_a_second(monkeypatch, tmp_path):
    """No network and no offline flag: a connection that hangs (here for 5 s) must not hold the Shared models tab."""
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    calls = []

    def hanging(address, timeout=None):
        calls.append(address)
        time.sleep(5)
        raise OSError("timed out")

    monkeypatch.setattr(hub_module.socket, "create_connection", hanging)
    started = time.monotonic()
    with pytest.raises(ValueError, match="unreachable from here \\(offline\\)"):
        list_shared(endpoint="https://hub.example.org")
    assert time.monotonic() - started < 1.0 and calls == [("hub.example.org", 443)]
    for name in hub_module.SHARED_FILES:
        (tmp_path / name).write_bytes(b"")
    started = time.monotonic()
    with pytest.raises(ValueError, match="cannot be shared now"):
        hub_module.push(tmp_path, "my-style", "hf_token", user="alice", endpoint="https://hub.example.org")
    assert time.monotonic() - started < 1.0
