"""Tests for train.py: the real entry point for 2 steps, resuming, stopping, and single trainer updates."""

import json
import shutil
from dataclasses import replace

import pytest
import torch

from stylegan_app.engine.checkpoint import CONFIG_NAME, WEIGHTS_NAME, load_generator
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.train import RESUME_NAME, StyleTrainer, train


@pytest.fixture(scope="module")
def trained(tmp_path_factory, make_image, model_cfg, train_cfg):
    """An out dir after the real train() ran 2 steps on tiny images (shared: the tests only read it)."""
    out_dir = tmp_path_factory.mktemp("trained")
    result = train(make_image(64, 64, 1), [make_image(64, 48, 0)], out_dir, model_cfg, train_cfg=train_cfg, command="test")
    return out_dir, result


def metadata(out_dir) -> dict:
    """The run's metadata.json."""
    return json.loads((out_dir / "metadata.json").read_text())


def test_train_writes_checkpoint_files(trained):
    out_dir, _ = trained
    assert {CONFIG_NAME, WEIGHTS_NAME, "metadata.json", RESUME_NAME} <= {p.name for p in out_dir.iterdir()}


def test_train_metadata(trained):
    meta = metadata(trained[0])
    assert (meta["steps"], meta["device"], meta["command"]) == (2, "cpu", "test")
    assert {"content", "style", "tv", "total", "d", "g_adv", "diversity"} <= set(meta["final_losses"])


def test_train_result_reports_steps(trained):
    assert trained[1].steps == 2


def test_trained_model_loads(trained):
    assert isinstance(load_generator(trained[0]), Generator)


def test_train_resumes_where_it_stopped(trained, tmp_path, rgb_image, style_image, model_cfg, train_cfg):
    out_dir = tmp_path / "resumed"
    shutil.copytree(trained[0], out_dir)
    calls = []
    progress = lambda fraction, message: calls.append((fraction, message.split(" · ")[0]))  # noqa: E731
    result = train(style_image, [rgb_image], out_dir, model_cfg, train_cfg=replace(train_cfg, steps=3), progress=progress)
    assert calls == [(1.0, "step 3/3")] and result.steps == 3 and metadata(out_dir)["steps"] == 3


def test_resumed_run_equals_uninterrupted_run(trained, tmp_path, make_image, model_cfg, train_cfg):
    style, photos = make_image(64, 64, 1), [make_image(64, 48, 0)]
    shutil.copytree(trained[0], tmp_path / "resumed")
    train(style, photos, tmp_path / "resumed", model_cfg, train_cfg=replace(train_cfg, steps=3))
    train(style, photos, tmp_path / "straight", model_cfg, train_cfg=replace(train_cfg, steps=3))
    resumed, straight = load_generator(tmp_path / "resumed").state_dict(), load_generator(tmp_path / "straight").state_dict()
    assert all(torch.equal(resumed[k], v) for k, v in straight.items())


def test_should_stop_stops_before_any_step(tmp_path, rgb_image, style_image, model_cfg, train_cfg):
    calls = []
    progress = lambda *args: calls.append(args)  # noqa: E731
    result = train(style_image, [rgb_image], tmp_path, model_cfg, train_cfg=train_cfg, progress=progress, should_stop=lambda: True)
    assert calls == [] and result.steps == 0 and metadata(tmp_path)["steps"] == 0


def test_stopped_run_still_saves_a_loadable_model(tmp_path, rgb_image, style_image, model_cfg, train_cfg):
    train(style_image, [rgb_image], tmp_path, model_cfg, train_cfg=train_cfg, should_stop=lambda: True)
    assert isinstance(load_generator(tmp_path), Generator)


def test_train_needs_photos(tmp_path, style_image, model_cfg, train_cfg):
    with pytest.raises(ValueError, match="photo"):
        train(style_image, [], tmp_path, model_cfg, train_cfg=train_cfg)


@pytest.fixture
def trainer(rgb_image, style_image, model_cfg, loss_cfg, train_cfg, lossnet) -> StyleTrainer:
    """A trainer on one tiny photo, sharing the session's loss network."""
    return StyleTrainer(style_image, [rgb_image], model_cfg, loss_cfg, train_cfg, "cpu", lossnet=lossnet)


def reconstruction_error(trainer: StyleTrainer) -> float:
    """Mean |G(x, z) - x| on fixed crops and z."""
    crops = trainer.content.sample(4, torch.Generator().manual_seed(123))
    z = torch.randn(4, trainer.generator.z_dim, generator=torch.Generator().manual_seed(456))
    with torch.no_grad():
        return (trainer.generator(crops, z) - crops).abs().mean().item()


def test_pretrain_identity_lowers_reconstruction_error(trainer):
    before = reconstruction_error(trainer)
    trainer.pretrain_identity(30)
    assert reconstruction_error(trainer) < 0.85 * before  # about 0.75x on this image


def test_step_changes_generator_weights(trainer):
    before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    trainer.step()
    assert any(not torch.equal(v, before[k]) for k, v in trainer.generator.state_dict().items())


def test_step_leaves_the_init_generator_untouched(rgb_image, style_image, model_cfg, loss_cfg, train_cfg, lossnet):
    torch.manual_seed(1)
    init = Generator.from_config(model_cfg)
    before = {k: v.clone() for k, v in init.state_dict().items()}
    trainer = StyleTrainer(style_image, [rgb_image], model_cfg, loss_cfg, train_cfg, "cpu", init=init, lossnet=lossnet)
    trainer.step()
    assert all(torch.equal(v, before[k]) for k, v in init.state_dict().items())


def test_trainer_starts_from_init_weights(rgb_image, style_image, model_cfg, loss_cfg, train_cfg, lossnet):
    torch.manual_seed(1)
    init = Generator.from_config(model_cfg)
    trainer = StyleTrainer(style_image, [rgb_image], model_cfg, loss_cfg, train_cfg, "cpu", init=init, lossnet=lossnet)
    assert all(torch.equal(v, init.state_dict()[k]) for k, v in trainer.generator.state_dict().items())


def test_trainer_needs_photos(style_image, model_cfg, loss_cfg, train_cfg, lossnet):
    with pytest.raises(ValueError, match="photo"):
        StyleTrainer(style_image, [], model_cfg, loss_cfg, train_cfg, "cpu", lossnet=lossnet)
