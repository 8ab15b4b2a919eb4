"""Tests for train.py: the real entry point for 2 steps, resuming, stopping, and single trainer updates."""

import json
import shutil
from dataclasses import replace

import pytest
import torch

from stylegan_app.config import BUNDLE_DIR, EXAMPLE_PHOTOS_DIR
from stylegan_app.engine.checkpoint import CONFIG_NAME, WEIGHTS_NAME, load_generator
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.images import load_rgb
from stylegan_app.engine.losses import gram, style_layer_losses
from stylegan_app.engine.style_targets import z_knobs
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


def test_a_run_stopped_between_checkpoints_keeps_every_step_it_did(tmp_path, rgb_image, style_image, model_cfg, train_cfg):
    from safetensors.torch import load_file

    asked = iter([False, False, False, True])  # three steps, then a stop (a time limit, say)
    cfg = replace(train_cfg, steps=5, checkpoint_every=100)
    result = train(style_image, [rgb_image], tmp_path, model_cfg, train_cfg=cfg, should_stop=lambda: next(asked))
    assert result.steps == 3 and int(load_file(str(tmp_path / RESUME_NAME))["step"]) == 3


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


def test_the_layer_weights_are_the_layers_shares(trainer, loss_cfg):
    """z = 0 weights times each layer's starting error give back the configured weights: the stated weight is the share."""
    knobs = z_knobs(torch.zeros(1, 8), loss_cfg, trainer.layer_scale[0])
    torch.testing.assert_close(knobs.layer_weights[0] * trainer.layer_scale[0], torch.tensor(loss_cfg.layer_weights))


def test_every_style_layer_counts_at_the_start(lossnet, loss_cfg, train_cfg, model_cfg):
    """On real photo crops and a real painting, the balanced layers start within a factor of 10 of each other,
    while the raw Gram errors span orders of magnitude (relu1_2's would be the whole style loss)."""
    photo, painting = load_rgb(EXAMPLE_PHOTOS_DIR / "owl.jpg"), load_rgb(BUNDLE_DIR / "examples" / "styles" / "hokusai_great_wave.png")
    cfg = replace(train_cfg, crop=64, content_size=128, style_size=128)
    balanced = StyleTrainer(painting, [photo], model_cfg, loss_cfg, cfg, "cpu", lossnet=lossnet)
    fresh = balanced.content.sample(4, torch.Generator().manual_seed(99))
    with torch.no_grad():
        raw = style_layer_losses([gram(f) for f in lossnet(fresh)], balanced.targets[0].centre()).mean(0)
    shares = raw / balanced.layer_scale[0]
    assert shares.max() / shares.min() < 10
    assert raw.max() / raw.min() > 10


@pytest.fixture
def multi_trainer(make_image, model_cfg, loss_cfg, train_cfg, lossnet) -> StyleTrainer:
    """Three paintings in one generator with three style codes."""
    paintings = [make_image(64, 64, seed) for seed in (1, 2, 3)]
    return StyleTrainer(paintings, [make_image(64, 48, 0)], replace(model_cfg, n_styles=3, style_dim=4), loss_cfg, train_cfg, "cpu",
                        lossnet=lossnet)  # fmt: skip


def test_a_multi_style_step_trains_only_the_code_of_the_painting_it_drew(multi_trainer):
    """batch_crops is 1, so a step paints one painting: its code moves, the other two stay exactly as they were."""
    codes = multi_trainer.generator.style_codes.detach().clone()
    multi_trainer.step()
    moved = (multi_trainer.generator.style_codes.detach() - codes).abs().sum(1) > 0
    assert multi_trainer.cfg.batch_crops == 1 and int(moved.sum()) == 1


def test_each_painting_gets_its_own_layer_balance(multi_trainer):
    assert multi_trainer.layer_scale.shape == (3, 4)
    assert not torch.allclose(multi_trainer.layer_scale[0], multi_trainer.layer_scale[1])


def test_the_number_of_paintings_must_match_the_codes(make_image, model_cfg, loss_cfg, train_cfg, lossnet):
    with pytest.raises(ValueError, match="style codes"):
        StyleTrainer([make_image(64, 64, 1)] * 2, [make_image(64, 48, 0)], replace(model_cfg, n_styles=3), loss_cfg, train_cfg, "cpu",
                     lossnet=lossnet)  # fmt: skip
