"""Share and reuse in a real browser: personalise, share to the Hub, load that model by id in a new session,
personalise further, share again; the second model's card carries the lineage.

The Hub is tests/fake_hub.py on loopback (a contract stand-in: huggingface_hub in the app talks to it through
HF_ENDPOINT exactly as it would to the Hub), so nothing leaves the machine.
"""

import threading

import pytest
from browser_helpers import screenshot, thumbnails, upload_and_generate
from conftest import new_page, running_app
from fake_hub import USER, HubApiStub
from huggingface_hub import ModelCard
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
ROUND_TIMEOUT = 240_000
TOKEN = "hf_e2eTestToken0123456789abcdefghij"


@pytest.fixture(scope="module")
def fake_hub():
    server = HubApiStub()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def hub_app(tmp_path_factory, fake_hub):
    """The app with the Hub reachable (the stand-in) and a token in the environment, as when run locally to share."""
    data = tmp_path_factory.mktemp("hub-app-data")
    env = {"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": fake_hub.url, "HF_TOKEN": TOKEN, "HF_HOME": str(data / "hf"),
           "HF_HUB_DISABLE_TELEMETRY": "1"}  # fmt: skip
    with running_app(data, **env) as url:
        yield url


def learn_a_round(page, round_after: int) -> None:
    thumbnails(page).nth(0).click()
    expect(page.locator("#status")).to_contain_text("1 picked")
    thumbnails(page).nth(4).click()
    expect(page.locator("#status")).to_contain_text("2 picked")
    page.click("#personalize-btn")
    expect(page.locator("#status")).to_contain_text(f"Round {round_after} · 0 picked", timeout=ROUND_TIMEOUT)


def share(page, name: str) -> None:
    page.get_by_text("Share my model on the Hugging Face Hub").click()
    page.locator("#share-name textarea, #share-name input").first.fill(name)
    page.click("#share-btn")
    expect(page.locator("#share-result")).to_contain_text(f"{USER}/{name}", timeout=120_000)


def test_share_then_load_by_id_and_personalise_further(browser, hub_app, fake_hub):
    first = new_page(browser, hub_app)
    upload_and_generate(first, painting="great_wave")
    learn_a_round(first, round_after=2)
    share(first, "my-taste")
    screenshot(first, "share-1-shared")
    shared_commit = fake_hub.refs[f"{USER}/my-taste"]["main"]

    second = new_page(browser, hub_app)
    second.get_by_role("tab", name="Shared models").click()
    expect(second.locator("#shared-models .thumbnail-item")).to_have_count(1)
    second.locator("#shared-models .thumbnail-item").first.click()
    expect(second.locator("#hub-repo textarea, #hub-repo input").first).to_have_value(f"{USER}/my-taste")
    second.click("#use-shared-btn")
    expect(second.get_by_text(f"paints with {USER}/my-taste")).to_be_visible()
    screenshot(second, "share-2-shared-models")
    second.get_by_role("tab", name="Paint").click()
    upload_and_generate(second)
    learn_a_round(second, round_after=2)
    share(second, "my-taste-2")

    card = ModelCard(fake_hub.repos[f"{USER}/my-taste-2"][fake_hub.refs[f"{USER}/my-taste-2"]["main"]]["README.md"].decode())
    assert card.data.base_model == f"{USER}/my-taste" and card.data.base_model_relation == "finetune"
    assert card.data.lineage == ["preset:great_wave", f"{USER}/my-taste@{shared_commit}"]
    for page in (first, second):
        page.context.close()
