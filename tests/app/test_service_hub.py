"""StyleService and the Hub: push a session's model, start a new session from it by id, personalise it further, and
export a card that records the lineage. The Hub is tests/fake_hub.py on loopback (a contract stand-in)."""
# ruff: noqa: F811 (pytest fixtures imported from other test modules are named by the test arguments)

import pytest
from fake_hub import USER
from huggingface_hub import ModelCard, constants
from test_hub_push import TOKEN, hub  # noqa: F401
from test_service import make_service

from stylegan_app.engine.checkpoint import load_generator


@pytest.fixture
def service(tiny_styles_dir, data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    return make_service(data_dir, tiny_styles_dir)


@pytest.fixture
def shared(service, hub, rgb_image):
    """A session on preset alpha, one round learned, pushed as alice/first; returns (session, commit)."""
    session = service.start_session(rgb_image, "alpha")
    cands = service.generate(session, n=2, seed=0, size=64)
    service.pick(session, [cands[0].id])
    service.personalize(session)
    repo_id, commit = service.push(session, "first", TOKEN)
    assert repo_id == f"{USER}/first"
    return session, commit


def test_a_shared_model_starts_a_session_with_the_same_weights(service, shared, rgb_image, tmp_path):
    session, commit = shared
    again = service.start_session_from_hub(rgb_image, f"{USER}/first")
    original = service.export(session, tmp_path / "original")
    copy = service.export(again, tmp_path / "copy")
    a, b = load_generator(original).state_dict(), load_generator(copy).state_dict()
    assert all((a[k] == b[k]).all() for k in a)


def test_a_pulled_model_can_be_personalised_and_its_card_shows_the_lineage(service, shared, rgb_image, tmp_path):
    _, commit = shared
    session = service.start_session_from_hub(rgb_image, f"{USER}/first", revision=commit)
    cands = service.generate(session, n=2, seed=1, size=64)
    service.pick(session, [cands[1].id])
    assert service.personalize(session).round == 1
    card = ModelCard.load(service.export(session, tmp_path / "second") / "README.md")
    assert card.data.base_model == f"{USER}/first" and card.data.base_model_relation == "finetune"
    assert card.data.lineage == ["preset:alpha", f"{USER}/first@{commit}"]
    assert f"{USER}/first@{commit}" in card.text


def test_a_preset_session_card_names_the_preset_and_no_base_model(service, rgb_image, tmp_path):
    session = service.start_session(rgb_image, "alpha")
    card = ModelCard.load(service.export(session, tmp_path / "out") / "README.md")
    assert card.data.base_preset == "alpha" and card.data.lineage == ["preset:alpha"]
    assert "base_model" not in card.data.to_dict()


def test_a_repo_without_a_style_image_is_refused_and_nothing_is_written(service, hub, rgb_image):
    hub.commit(f"{USER}/bare", {"config.json": b"{}", "model.safetensors": b"", "README.md": b"---\\n---\\n"})
    with pytest.raises(ValueError):
        service.start_session_from_hub(rgb_image, f"{USER}/bare")
    with service.db() as db:
        from stylegan_app.app import store

        assert db.query(store.StyleSession).count() == 0


def test_an_unknown_repo_is_a_clear_error(service, hub, rgb_image):
    with pytest.raises(ValueError, match="No model"):
        service.start_session_from_hub(rgb_image, f"{USER}/nothing-here")


def test_push_refuses_a_bad_name_before_exporting(service, hub, rgb_image):
    session = service.start_session(rgb_image, "alpha")
    with pytest.raises(ValueError, match="model name"):
        service.push(session, "../escape", TOKEN)
    assert hub.calls() == []
