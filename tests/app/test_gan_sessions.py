"""Sessions on the other GANs' models through the service: a drawing, a photo in a collection's manner and canvases get
candidates, picks, rounds, undo and history as a photo does; bad input is refused and changes nothing."""

import io
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw
from sqlalchemy import func, select
from test_service import TINY_ROUND

from stylegan_app.app import store
from stylegan_app.app.service import StyleService
from stylegan_app.config import Settings


@pytest.fixture
def service(tiny_gans_dir, tiny_styles_dir, data_dir):
    settings = Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, gans_dir=tiny_gans_dir, device="cpu")
    return StyleService(settings, personalize_cfg=replace(TINY_ROUND, n_crops=4, batch_crops=2))


def drawing_bytes() -> bytes:
    sketch = Image.new("RGBA", (96, 80), (0, 0, 0, 0))  # as the browser's sketchpad sends it: strokes on transparency
    ImageDraw.Draw(sketch).ellipse([20, 15, 75, 65], outline=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    sketch.save(buffer, format="PNG")
    return buffer.getvalue()


def rows(service, table) -> int:
    with service.db() as db:
        return db.scalar(select(func.count()).select_from(table))


def test_models_are_listed_by_mode(service):
    assert [m.name for m in service.gan_models("pix2pix")] == ["sketchy"]
    assert [m.name for m in service.gan_models("dcgan")] == ["waves"]
    assert {m.name for m in service.gan_models()} == {"sketchy", "prints", "waves"}
    assert service.gan_models("cyclegan")[0].title == "Prints"


def test_a_drawing_gets_different_candidates_that_paint_again_the_same(service):
    session = service.start_gan_session("sketchy", drawing_bytes(), mode="pix2pix")
    candidates = service.generate(session, n=3, seed=1, size=96)
    assert len(candidates) == 3 and candidates[0].image.width == 96
    assert len({c.image.tobytes() for c in candidates}) == 3
    assert all(len(c.z) == 1 for c in candidates)  # a translation's z is its stroke scale
    again = service.render(session, candidates[1].id, size=96)
    assert np.array_equal(np.asarray(again), np.asarray(candidates[1].image))


def test_a_photo_in_a_collection_s_manner(service, rgb_image):
    session = service.start_gan_session("prints", rgb_image)
    takes = service.generate(session, n=2, seed=0, size=64)
    assert len(takes) == 2 and takes[0].image.size == (64, 48)


def test_canvases_are_seeded_and_shown_large(service):
    session = service.start_gan_session("waves")
    canvases = service.generate(session, n=4, seed=2)
    assert len(canvases) == 4 and canvases[0].image.size == (256, 256)
    assert canvases[0].image.tobytes() != canvases[1].image.tobytes()
    again = service.generate(session, n=4, seed=2)
    assert [c.image.tobytes() for c in again] == [c.image.tobytes() for c in canvases]


def test_a_round_on_canvases_learns_from_the_picks_and_can_be_undone(service):
    session = service.start_gan_session("waves")
    shown = service.generate(session, n=4, seed=3)
    service.pick(session, [shown[0].id, shown[2].id], {shown[0].id: 5})
    report = service.personalize(session)
    assert report.round == 1 and len(report.losses) == TINY_ROUND.steps
    with service.db() as db:
        first, second = store.all_versions(db, session)
    picked = torch.tensor([shown[0].z, shown[2].z])
    before = (torch.tensor(first.proposal["mean"]) - picked.mean(0)).norm()
    after = (torch.tensor(second.proposal["mean"]) - picked.mean(0)).norm()
    assert after < 0.6 * before  # the proposal moved toward the picked canvases' noise
    fresh = service.generate(session, n=4, seed=3)
    assert fresh[0].round == 1 and fresh[0].image.tobytes() != shown[0].image.tobytes()
    old_model = service.render(session, shown[1].id)
    assert old_model.tobytes() == shown[1].image.tobytes()  # history paints with the model that made the candidate
    assert service.undo(session) == 0
    assert [v.round for v in service.history(session)] == [0, 1]


def test_a_round_on_a_drawing_changes_its_model(service):
    session = service.start_gan_session("sketchy", drawing_bytes())
    shown = service.generate(session, n=3, seed=0, size=64)
    service.pick(session, [shown[1].id])
    assert service.personalize(session).round == 1
    now = service.render(session, shown[1].id, size=64, current_model=True)
    assert np.abs(np.asarray(now, dtype=float) - np.asarray(shown[1].image, dtype=float)).mean() > 0.5


def test_bad_input_is_refused_and_changes_nothing(service, rgb_image):
    with pytest.raises(ValueError, match="empty"):
        service.start_gan_session("sketchy", Image.new("RGB", (64, 64), "white"))
    with pytest.raises(ValueError, match="no sketch model 'waves'"):
        service.start_gan_session("waves", drawing_bytes(), mode="pix2pix")
    with pytest.raises(ValueError, match="takes no image"):
        service.start_gan_session("waves", rgb_image)
    with pytest.raises(ValueError, match="paints a photo"):
        service.start_gan_session("prints")
    with pytest.raises(ValueError, match="could not be read"):
        service.start_gan_session("prints", b"not an image")
    assert rows(service, store.StyleSession) == 0 and rows(service, store.StoredImage) == 0
    session = service.start_gan_session("waves")
    with pytest.raises(ValueError, match="number of candidates"):
        service.generate(session, n=1000)
    with pytest.raises(ValueError, match="Pick at least one"):
        service.personalize(session)
    with pytest.raises(ValueError, match="not for the waves model"):
        service.export(session, "unused")
    with pytest.raises(ValueError, match="not for the waves model"):
        service.explain(session)
    assert rows(service, store.Candidate) == 0 and rows(service, store.ModelVersion) == 1
