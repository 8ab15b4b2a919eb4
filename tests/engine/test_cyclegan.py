"""CycleGAN: the replay pool, a resumable run whose model is an ordinary style model, and 300 steps at 64 px on
held-out photos that move the photos' colours toward the other domain's."""

from dataclasses import replace
from pathlib import Path

import torch
from safetensors.torch import load_file

from stylegan_app.config import EXAMPLE_PHOTOS_DIR
from stylegan_app.engine.checkpoint import load_model, model_kind
from stylegan_app.engine.cyclegan import CycleGANConfig, CycleGANTrainer, ReplayPool, train_cyclegan
from stylegan_app.engine.images import load_rgb, pil_to_tensor, resize_long_side, tensor_to_pil
from stylegan_app.engine.pix2pix import UNet

TINY = replace(CycleGANConfig(), channels=4, depth=3, steps=2, size=32, batch=1, image_side=48, pool_size=2, checkpoint_every=1)
WARM = torch.tensor([1.0, 0.75, 0.45])  # the other domain: the same kind of photos under a warm, dim light


def warmed(photo):
    """The photo with each channel scaled by WARM (in [0, 1])."""
    rgb = (pil_to_tensor(photo) + 1) / 2
    return tensor_to_pil((rgb * WARM[None, :, None, None]) * 2 - 1)


def test_the_pool_fills_then_swaps_about_half_its_answers():
    pool = ReplayPool(4, torch.Generator().manual_seed(0))
    first = torch.arange(4.0).view(4, 1, 1, 1).expand(4, 3, 2, 2)
    assert torch.equal(pool.query(first), first)  # filling: the new ones pass through
    ids = torch.arange(100.0, 300.0)
    later = pool.query(ids.view(-1, 1, 1, 1).expand(-1, 3, 2, 2))
    old = (later[:, 0, 0, 0] != ids).float().mean()  # answered with an earlier fake instead of its own
    assert 0.3 < old < 0.7 and len(pool.images) == 4


def test_the_model_is_a_u_net_and_the_run_resumes(tmp_path, make_image):
    photos, paintings = [make_image(48, 40, 0)], [make_image(48, 40, 1)]
    train_cyclegan(photos, paintings, tmp_path / "a", replace(TINY, steps=3), should_stop=iter([False, False, True]).__next__)
    state = load_file(str(tmp_path / "a" / "resume.safetensors"))
    assert int(state["step"]) == 2 and "extra.pool.painting" in state
    model = train_cyclegan(photos, paintings, tmp_path / "a", replace(TINY, steps=3))
    assert model_kind(tmp_path / "a") == "unet"
    straight = CycleGANTrainer(photos, paintings, replace(TINY, steps=3))
    straight.fit(3, tmp_path / "b", 1)
    for p, q in zip(load_model(tmp_path / "a").parameters(), straight.to_painting.parameters(), strict=True):
        torch.testing.assert_close(p, q)
    assert isinstance(model, UNet)


def mean_colour(x: torch.Tensor) -> torch.Tensor:
    return x.clamp(-1, 1).mean(dim=(0, 2, 3))


def test_on_held_out_photos_300_steps_move_the_colours_toward_the_other_domain(tmp_path):
    photos = [load_rgb(p) for p in sorted(Path(EXAMPLE_PHOTOS_DIR).glob("*.jpg"))]
    # Unpaired: one half of the photos as they are, the other half warmed; the last photo is seen by neither.
    plain, warm, unseen = photos[:3], [warmed(p) for p in photos[3:5]], photos[5]
    cfg = replace(CycleGANConfig(), channels=16, depth=4, steps=300, size=64, batch=2, image_side=96, lr=1e-3, d_lr=1e-3)
    model = train_cyclegan(plain, warm, tmp_path, cfg)
    x = pil_to_tensor(resize_long_side(unseen, 64))
    target = mean_colour(pil_to_tensor(resize_long_side(warmed(unseen), 64)))
    with torch.no_grad():
        out = model(x, torch.Generator().manual_seed(0))
    assert (mean_colour(out) - target).norm() < 0.5 * (mean_colour(x) - target).norm()
