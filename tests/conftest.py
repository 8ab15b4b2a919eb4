"""Shared fixtures (configs are frozen, so session-wide): tiny seeded configs and images, a tmp data dir, one loss network per session."""

import os

os.environ["HF_HUB_OFFLINE"] = "1"  # before huggingface_hub is imported: tests never reach the network

from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from stylegan_app.config import LossConfig, ModelConfig, TrainConfig
from stylegan_app.engine.lossnet import LossNetwork

# Tests are tiny, and extra threads only fight any other process for the CPU (10x slower when it is busy).
torch.set_num_threads(1)


def smooth_image(width: int, height: int, seed: int) -> Image.Image:
    """A seeded RGB image: random 8x6 colours upscaled, so it has structure a tiny generator can learn."""
    rng = np.random.default_rng(seed)
    coarse = Image.fromarray(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8))
    return coarse.resize((width, height), Image.Resampling.BILINEAR)


@pytest.fixture(scope="session")
def make_image():
    """smooth_image(width, height, seed) as a fixture, for tests that need several images."""
    return smooth_image


@pytest.fixture
def rgb_image() -> Image.Image:
    """A 64x48 RGB photo stand-in."""
    return smooth_image(64, 48, seed=0)


@pytest.fixture
def style_image() -> Image.Image:
    """A 64x64 RGB painting stand-in."""
    return smooth_image(64, 64, seed=1)


@pytest.fixture(scope="session")
def model_cfg() -> ModelConfig:
    """A generator small enough to train for a few steps in a test."""
    return ModelConfig(channels=(8, 8, 8), n_res=1, mapping_dim=8)


@pytest.fixture(scope="session")
def loss_cfg() -> LossConfig:
    """The default loss settings (they are cheap; the 3x3 style grid is kept)."""
    return LossConfig()


@pytest.fixture(scope="session")
def train_cfg() -> TrainConfig:
    """Two steps on 32 px crops, a checkpoint after every step."""
    return replace(
        TrainConfig(),
        steps=2,
        crop=32,
        batch_crops=1,
        identity_steps=1,
        style_size=64,
        content_size=64,
        checkpoint_every=1,
    )


@pytest.fixture
def data_dir(tmp_path):
    """An empty data folder inside the test's tmp dir."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def lossnet() -> LossNetwork:
    """The real frozen VGG16 loss network, loaded once (it is read-only, so tests can share it)."""
    return LossNetwork()


@pytest.fixture(scope="session")
def tiny_styles_dir(tmp_path_factory, model_cfg):
    """A styles folder with two complete tiny presets (random weights, real folder layout)."""
    import json

    from stylegan_app.engine.checkpoint import save_generator
    from stylegan_app.engine.generator import Generator

    root = tmp_path_factory.mktemp("styles")
    for seed, name in enumerate(("alpha", "beta")):
        folder = root / name
        torch.manual_seed(seed)
        save_generator(Generator.from_config(model_cfg), folder)
        smooth_image(64, 48, seed=10 + seed).save(folder / "style.png")
        (folder / "metadata.json").write_text(json.dumps({"title": name, "artist": "test", "licence": "CC0-1.0"}))
    return root


@pytest.fixture(scope="session")
def tiny_multi_styles_dir(tmp_path_factory, model_cfg):
    """Presets gamma and delta of one tiny two-code network (_network/), and solo, a single-style preset."""
    import json
    from dataclasses import replace

    from stylegan_app.engine.checkpoint import save_generator
    from stylegan_app.engine.generator import Generator

    root = tmp_path_factory.mktemp("multi_styles")
    torch.manual_seed(3)
    save_generator(Generator.from_config(replace(model_cfg, n_styles=2, style_dim=4)), root / "_network")
    for seed, name in enumerate(("gamma", "delta", "solo")):
        folder = root / name
        folder.mkdir()
        smooth_image(64, 48, seed=20 + seed).save(folder / "style.png")
        metadata = {"title": name, "artist": "test", "licence": "CC0-1.0"}
        if name == "solo":
            save_generator(Generator.from_config(model_cfg), folder)
        else:
            metadata |= {"network": "../_network", "code": seed}
        (folder / "metadata.json").write_text(json.dumps(metadata))
    return root


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the whole test run (Debian's binaries, temporary data dir, loopback port)."""
    from pg_server import PostgresServer

    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database: a SQLite file, or a fresh database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return request.getfixturevalue("postgres").create_database()


@pytest.fixture(scope="session")
def tiny_gans_dir(tmp_path_factory):
    """The other GANs' models, tiny and untrained, in the shipped layout: a sketch, a collection and a canvas model."""
    import json

    from stylegan_app.engine.checkpoint import save_model
    from stylegan_app.engine.dcgan import CanvasGenerator
    from stylegan_app.engine.pix2pix import UNet

    root = tmp_path_factory.mktemp("gans")
    torch.manual_seed(0)
    for name, mode, model in (
        ("sketchy", "pix2pix", UNet(4, 3)),
        ("prints", "cyclegan", UNet(4, 3)),
        ("waves", "dcgan", CanvasGenerator(8, 4, 16)),
    ):
        save_model(model, root / name)
        (root / name / "metadata.json").write_text(json.dumps({"mode": mode, "title": name.title()}))
        smooth_image(64, 32, seed=3).save(root / name / "samples.jpg")
    return root
