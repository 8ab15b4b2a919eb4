"""The service on presets of a multi-style network: a taste (mix of codes) per session, explored, moved by picks, undone."""

import pytest
import torch
from test_service import count, make_service

from stylegan_app.app import store
from stylegan_app.engine.checkpoint import load_generator
from stylegan_app.engine.taste import Taste


def current_taste(service, sid) -> Taste:
    with service.db() as db:
        return Taste.from_json(store.current_version(db, sid).taste)


def test_a_session_on_a_mix_of_presets_paints_it(tiny_multi_styles_dir, data_dir, rgb_image):
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, {"gamma": 0.7, "delta": 0.3})
    mixed = service.generate(sid, n=1, seed=0, size=64)[0].image
    single = service.generate(service.start_session(rgb_image, "gamma"), n=1, seed=0, size=64)[0].image
    assert mixed.size == single.size and mixed.tobytes() != single.tobytes()
    assert current_taste(service, sid).mix == pytest.approx((0.7, 0.3))  # gamma is code 0, delta code 1
    with service.db() as db:
        assert store.get_session(db, sid).lineage == ["mix:delta=0.3,gamma=0.7"]


@pytest.mark.parametrize("mix", [{"gamma": 0.5, "solo": 0.5}, {"gamma": -1.0}, {"nope": 1.0}, {}])
def test_a_bad_mix_is_refused_and_writes_nothing(tiny_multi_styles_dir, data_dir, rgb_image, mix):
    service = make_service(data_dir, tiny_multi_styles_dir)
    with pytest.raises(ValueError):
        service.start_session(rgb_image, mix)
    assert count(service, store.StyleSession) == 0


def test_part_of_a_batch_explores_toward_the_other_painting(tiny_multi_styles_dir, data_dir, rgb_image):
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, "delta")
    batch = service.generate(sid, n=4, seed=0, size=64)
    with service.db() as db:
        mixes = [db.get(store.Candidate, c.id).mix for c in batch]
    assert mixes[2:] == [[0.0, 1.0], [0.0, 1.0]] and all(m[0] > 0 for m in mixes[:2])
    again = service.render(sid, batch[0].id, size=64)
    assert again.tobytes() == batch[0].image.tobytes()  # a re-render paints the candidate's own mix


def test_picking_an_explorer_moves_the_next_batch_toward_its_painting_and_undo_moves_back(tiny_multi_styles_dir, data_dir,
                                                                                          rgb_image):  # fmt: skip
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, "delta")
    batch = service.generate(sid, n=4, seed=0, size=64)
    service.pick(sid, [batch[0].id])
    assert service.personalize(sid).round == 1
    moved = current_taste(service, sid)
    assert moved.mix[0] > 0.2  # more gamma than the explorer that was picked held
    assert load_generator(data_dir / "models" / sid / "1").config.n_styles == 2  # the taste stays a point among the codes
    explanation = service.explain(sid)
    assert {r["painting"] for r in explanation.taste_path} == {"gamma", "delta"}
    assert explanation.taste_story[0] == "Round 1: where you started (now 100% delta)"
    assert explanation.taste_story[1].startswith("Round 2: more of gamma, less of delta")
    assert service.undo(sid) == 0
    assert current_taste(service, sid).mix == (0.0, 1.0)


def test_an_export_bakes_the_taste_into_a_single_style_model(tiny_multi_styles_dir, data_dir, rgb_image, tmp_path):
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, {"gamma": 0.5, "delta": 0.5})
    exported = load_generator(service.export(sid, tmp_path / "export"))
    network = load_generator(tiny_multi_styles_dir / "_network")
    assert exported.config.n_styles == 0
    z, photo = torch.randn(1, network.z_dim), torch.rand(1, 3, 32, 32) * 2 - 1
    torch.testing.assert_close(exported(photo, z), network(photo, z, network.style_codes.mean(0, keepdim=True)))


def test_a_new_painting_gets_a_fitted_code_where_the_presets_come_from_one_network(tiny_multi_styles_dir, data_dir, rgb_image,
                                                                                    style_image):  # fmt: skip
    messages = []
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, style_image, progress=lambda f, m: messages.append(m))
    assert messages and "fitting a style code" in messages[-1]
    taste = current_taste(service, sid)
    assert any(v != 0 for v in taste.offset)  # the fitted code is its starting blend plus a move of its own
    assert not (data_dir / "models" / sid).exists()  # round 0 is the shared network, nothing copied
    assert len(service.generate(sid, n=2, size=64)) == 2
