"""StyleService: sessions, candidates, picks, restarts, export; bad input refused with nothing written (rounds and undo:
test_service_rounds.py)."""

import io
import threading
from dataclasses import replace

import numpy as np
import pytest
from sqlalchemy import func, select

from stylegan_app.app import store
from stylegan_app.app.service import StyleService
from stylegan_app.config import CodeFitConfig, PersonalizeConfig, Settings
from stylegan_app.engine.checkpoint import load_generator
from stylegan_app.engine.new_style import ADAPT_CONFIG
from stylegan_app.engine.sampling import generate

TINY_ROUND = replace(PersonalizeConfig(), steps=2, size=64, crop=32, n_crops=2, batch_crops=1)
TINY_ADAPT = replace(ADAPT_CONFIG, steps=2, crop=32, batch_crops=1, style_size=64, content_size=64)
TINY_CODE_FIT = CodeFitConfig(steps=2, crop=32, batch=1)


def make_service(data_dir, styles_dir, database_url=None) -> StyleService:
    settings = Settings(data_dir=data_dir, styles_dir=styles_dir, device="cpu", database_url=database_url)
    return StyleService(settings, personalize_cfg=TINY_ROUND, adapt_cfg=TINY_ADAPT, code_cfg=TINY_CODE_FIT)


def count(service, model) -> int:
    with service.db() as db:
        return db.scalar(select(func.count()).select_from(model))


def pixels(candidates):
    return [np.asarray(c.image) for c in candidates]


def test_presets_lists_folders(service):
    assert service.presets() == ["alpha", "beta"]


def test_a_session_on_png_bytes(service, rgb_image):
    buffer = io.BytesIO()
    rgb_image.save(buffer, format="PNG")
    sid = service.start_session(buffer.getvalue(), "alpha")
    images = [c.image for c in service.generate(sid, n=2, size=64)]
    assert len(images) == 2 and all(im.mode == "RGB" for im in images)


def test_start_session_begins_at_round_zero(service, session):
    assert service.session_round(session) == 0
    assert count(service, store.StyleSession) == 1


def test_corrupt_photo_is_refused_and_nothing_is_written(service, data_dir):
    with pytest.raises(ValueError, match="could not be read"):
        service.start_session(b"not an image at all", "alpha")
    assert count(service, store.StyleSession) == 0 and count(service, store.StoredImage) == 0
    assert not (data_dir / "images").exists()


def test_unknown_preset_is_refused(service, rgb_image):
    with pytest.raises(ValueError, match="Unknown preset"):
        service.start_session(rgb_image, "gamma")
    assert count(service, store.StyleSession) == 0


def test_generate_stores_candidates_that_can_be_rendered_again(service, session):
    candidates = service.generate(session, n=3, seed=7, size=64)
    assert len({c.id for c in candidates}) == 3 and all(max(c.image.size) == 64 for c in candidates)
    with service.db() as db:
        rows = {r.id: r for r in db.scalars(select(store.Candidate))}
        version = store.current_version(db, session)
        photo = service.images.load(db.get(store.StyleSession, session).content_sha)
    for c in candidates:
        row = rows[c.id]
        assert service.images.load(row.image_sha).tobytes() == c.image.tobytes()
        import torch

        again = generate(service._generator(version), photo.resize(c.image.size), torch.tensor([row.z]))[0]
        assert np.array_equal(np.asarray(again), np.asarray(c.image))


def test_same_seed_gives_the_same_candidates(service, session):
    assert all(
        np.array_equal(a, b)
        for a, b in zip(
            pixels(service.generate(session, n=2, seed=3, size=64)), pixels(service.generate(session, n=2, seed=3, size=64)), strict=True
        )
    )


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"n": 33}, {"n": 2.5}, {"size": 10}, {"size": 5000}, {"seed": -1}, {"seed": "x"}])
def test_bad_generate_arguments_are_refused(service, session, kwargs):
    with pytest.raises(ValueError):
        service.generate(session, **kwargs)
    assert count(service, store.Candidate) == 0


def test_pick_records_ratings_and_picking_again_updates(service, session):
    a, b = service.generate(session, n=2, seed=0, size=64)
    service.pick(session, [a.id, b.id], {b.id: 4})
    assert service.picks(session) == {a.id: 1, b.id: 4}
    service.pick(session, [a.id], {a.id: 5})
    assert service.picks(session) == {a.id: 5, b.id: 4}
    service.unpick(session, [b.id])
    assert service.picks(session) == {a.id: 5}


@pytest.mark.parametrize(
    "ids, ratings",
    [
        ([], None),
        ("abc", None),
        (["nope"], None),
        (["OWN"], {"OWN": 0}),
        (["OWN"], {"OWN": 6}),
        (["OWN"], {"OWN": True}),
        (["OWN"], {"OWN": "3"}),
        (["OWN"], {"other": 2}),
    ],
)
def test_bad_picks_are_refused_and_change_nothing(service, session, ids, ratings):
    own = service.generate(session, n=1, seed=0, size=64)[0]
    service.pick(session, [own.id], {own.id: 2})
    ids = [own.id if i == "OWN" else i for i in ids] if isinstance(ids, list) else ids
    ratings = {own.id if k == "OWN" else k: v for k, v in ratings.items()} if ratings else ratings
    with pytest.raises(ValueError):
        service.pick(session, ids, ratings)
    assert service.picks(session) == {own.id: 2}


def test_a_candidate_of_another_session_is_refused(service, session, rgb_image):
    other = service.start_session(rgb_image, "beta")
    theirs = service.generate(other, n=1, seed=0, size=64)[0]
    mine = service.generate(session, n=1, seed=0, size=64)[0]
    with pytest.raises(ValueError, match="do not belong"):
        service.pick(session, [mine.id, theirs.id])
    assert service.picks(session) == {} and service.picks(other) == {}


def test_unknown_session_is_refused(service):
    for call in (
        lambda: service.generate("nope"),
        lambda: service.pick("nope", ["x"]),
        lambda: service.personalize("nope"),
        lambda: service.undo("nope"),
    ):
        with pytest.raises(ValueError, match="Unknown session"):
            call()


def test_everything_survives_a_restart(service, session, data_dir, tiny_styles_dir):
    c = service.generate(session, n=2, seed=0, size=64)
    service.pick(session, [c[1].id], {c[1].id: 3})
    service.personalize(session)
    after = service.generate(session, n=2, seed=9, size=64)
    restarted = make_service(data_dir, tiny_styles_dir)
    assert restarted.session_round(session) == 1
    assert all(np.array_equal(x, y) for x, y in zip(pixels(after), pixels(restarted.generate(session, n=2, seed=9, size=64)), strict=True))
    restarted.undo(session)
    with restarted.db() as db:
        assert db.scalar(select(store.Pick.rating).where(store.Pick.candidate_id == c[1].id)) == 3


def test_a_damaged_model_file_is_reported(service, session, data_dir, tiny_styles_dir):
    c = service.generate(session, n=1, seed=0, size=64)[0]
    service.pick(session, [c.id])
    service.personalize(session)
    weights = data_dir / "models" / session / "1" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-8] + b"\0" * 8)
    with pytest.raises(ValueError, match="changed on disk"):
        make_service(data_dir, tiny_styles_dir).generate(session, n=1, size=64)  # a restarted app, nothing cached


def test_session_on_a_new_style_image(service, rgb_image, style_image, data_dir):
    messages = []
    sid = service.start_session(rgb_image, style_image, progress=lambda f, m: messages.append(m))
    assert service.session_round(sid) == 0 and messages and "nearest preset" in messages[0]
    assert (data_dir / "models" / sid / "0" / "model.safetensors").is_file()
    assert len(service.generate(sid, n=2, size=64)) == 2


def test_export_writes_the_hugging_face_layout(service, session, tmp_path):
    c = service.generate(session, n=1, seed=0, size=64)[0]
    service.pick(session, [c.id])
    service.personalize(session)
    out = service.export(session, tmp_path / "export")
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "config.json", "model.safetensors", "samples.jpg", "style.png"]
    exported = load_generator(out)
    with service.db() as db:
        current = service._generator(store.current_version(db, session))
    assert all(torch_equal(a, b) for a, b in zip(exported.state_dict().values(), current.state_dict().values(), strict=True))
    assert "pipeline_tag: image-to-image" in (out / "README.md").read_text()


def torch_equal(a, b) -> bool:
    import torch

    return torch.equal(a, b)


def test_twenty_threads_picking_at_once_lose_nothing(service, session):
    candidates = service.generate(session, n=10, seed=0, size=64) + service.generate(session, n=10, seed=1, size=64)
    barrier = threading.Barrier(20)
    errors = []

    def pick(c):
        try:
            barrier.wait()
            service.pick(session, [c.id], {c.id: 1 + c.position % 5})
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=pick, args=(c,)) for c in candidates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert service.picks(session) == {c.id: 1 + c.position % 5 for c in candidates}


def test_the_same_flow_runs_on_postgresql(postgres, tmp_path, tiny_styles_dir, rgb_image):
    svc = make_service(tmp_path / "data", tiny_styles_dir, postgres.create_database())
    sid = svc.start_session(rgb_image, "alpha", user="ada")
    first = svc.generate(sid, n=2, seed=1, size=64)
    svc.pick(sid, [first[0].id], {first[0].id: 2})
    assert svc.personalize(sid).round == 1
    assert svc.undo(sid) == 0
    assert all(np.array_equal(x, y) for x, y in zip(pixels(first), pixels(svc.generate(sid, n=2, seed=1, size=64)), strict=True))
