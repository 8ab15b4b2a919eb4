"""hub_handlers.py on a real service, offline: choosing a shared model by id or click, browsing and sharing refused clearly."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import pytest  # noqa: E402
from web_kit import select  # noqa: E402

from stylegan_app.web.hub_handlers import HubHandlers  # noqa: E402
from stylegan_app.web.tab_state import TabState  # noqa: E402


@pytest.fixture
def hub(handle) -> HubHandlers:
    return HubHandlers(handle)


def test_use_shared_keeps_the_model_id_and_revision_for_the_next_generate(hub):
    st, message = hub.on_use_shared(TabState(), "  someone/cool-style ", " v2 ")
    assert st.shared == ("someone/cool-style", "v2") and "someone/cool-style" in message and "v2" in message


def test_use_shared_without_a_revision_means_main(hub):
    st, message = hub.on_use_shared(TabState(), "someone/cool-style", "")
    assert st.shared == ("someone/cool-style", None) and "(main)" in message


@pytest.mark.parametrize("repo_id", ["nope", "a/b/c", "", None])
def test_use_shared_refuses_an_id_that_is_not_user_slash_name(hub, repo_id):
    with pytest.raises(ValueError, match="user/model-name"):
        hub.on_use_shared(TabState(), repo_id, None)


def test_a_click_on_a_shared_model_fills_in_its_id(hub):
    assert hub.on_browse_select(select(0, {"image": {"path": "x.jpg"}, "caption": "someone/cool-style · 3 likes"})) == "someone/cool-style"


@pytest.mark.parametrize("value", [{"image": {"path": "x.jpg"}, "caption": None}, {"image": {"path": "x.jpg"}}, None])
def test_a_click_on_an_item_without_a_caption_changes_nothing(hub, value):
    assert isinstance(hub.on_browse_select(select(0, value)), type(gr.skip()))


def test_browsing_offline_lists_nothing_and_says_the_hub_is_unreachable(hub):
    items, message = hub.on_browse()
    assert items == [] and "unreachable" in message


def test_sharing_without_a_session_is_refused(hub):
    with pytest.raises(ValueError, match="before sharing"):
        hub.on_share(TabState(), "my-style", None, None)


def test_sharing_without_a_token_asks_for_one(hub, painted, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with pytest.raises(ValueError, match="needs a Hugging Face token"):
        hub.on_share(painted, "my-style", None, None)
