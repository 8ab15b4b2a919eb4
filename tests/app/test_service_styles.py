"""The service on presets of a multi-style network: mixes, rounds on a baked code, a new painting's fitted code."""

import pytest
from test_service import count, make_service

from stylegan_app.app import store
from stylegan_app.engine.checkpoint import load_generator


def test_a_session_on_a_mix_of_presets_paints_it(tiny_multi_styles_dir, data_dir, rgb_image):
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, {"gamma": 0.7, "delta": 0.3})
    mixed = service.generate(sid, n=1, seed=0, size=64)[0].image
    single = service.generate(service.start_session(rgb_image, "gamma"), n=1, seed=0, size=64)[0].image
    assert mixed.size == single.size and mixed.tobytes() != single.tobytes()
    with service.db() as db:
        assert store.current_version(db, sid).path == "mix:delta=0.3,gamma=0.7"


@pytest.mark.parametrize("mix", [{"gamma": 0.5, "solo": 0.5}, {"gamma": -1.0}, {"nope": 1.0}, {}])
def test_a_bad_mix_is_refused_and_writes_nothing(tiny_multi_styles_dir, data_dir, rgb_image, mix):
    service = make_service(data_dir, tiny_multi_styles_dir)
    with pytest.raises(ValueError):
        service.start_session(rgb_image, mix)
    assert count(service, store.StyleSession) == 0


def test_a_round_on_a_preset_of_the_network_saves_a_single_style_model(tiny_multi_styles_dir, data_dir, rgb_image):
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, "delta")
    c = service.generate(sid, n=2, seed=0, size=64)
    service.pick(sid, [c[0].id])
    assert service.personalize(sid).round == 1
    assert load_generator(data_dir / "models" / sid / "1").config.n_styles == 0


def test_a_new_painting_gets_a_fitted_code_where_the_presets_come_from_one_network(tiny_multi_styles_dir, data_dir, rgb_image,
                                                                                    style_image):  # fmt: skip
    messages = []
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, style_image, progress=lambda f, m: messages.append(m))
    assert messages and "fitting a style code" in messages[-1]
    assert load_generator(data_dir / "models" / sid / "0").config.n_styles == 0  # the code is baked in
    assert len(service.generate(sid, n=2, size=64)) == 2
