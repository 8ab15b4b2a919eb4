"""The whole flow in a real browser: upload, choose a painting, generate, pick 2, learn, round 2, undo."""

import re

import pytest
from browser_helpers import REPO, screenshot, thumbnails, upload_and_generate
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
ROUND_TIMEOUT = 240_000  # a personalisation round on a busy 2-core CPU


def test_full_flow_generate_pick_learn_undo(page):
    upload_and_generate(page, painting="great_wave")
    first_batch = [thumbnails(page).nth(i).locator("img").get_attribute("src") for i in range(8)]

    thumbnails(page).nth(1).click()
    expect(page.locator("#status")).to_contain_text("Round 1 · 1 picked")
    thumbnails(page).nth(5).click()
    expect(page.locator("#status")).to_contain_text("Round 1 · 2 picked")
    expect(page.locator("#candidates")).to_contain_text("#2 · picked")
    expect(page.locator("#candidates")).to_contain_text("#6 · picked")
    screenshot(page, "flow-1-picked")

    page.click("#personalize-btn")
    # The round's progress names its stages over the batch it replaces, and the loss plot beside it grows live.
    expect(page.locator("#candidates")).to_contain_text("learning your taste: step", timeout=ROUND_TIMEOUT)
    plot = page.locator("#loss-plot")
    expect(plot).to_be_visible()
    drawn = plot.inner_html()
    page.wait_for_function(
        "([before]) => document.querySelector('#loss-plot').innerHTML !== before && "
        "!document.querySelector('#status').innerText.includes('Round 2')", arg=[drawn], timeout=ROUND_TIMEOUT,
    )  # fmt: skip
    screenshot(page, "flow-1b-learning")
    expect(page.locator("#status")).to_contain_text("Round 2 · 0 picked", timeout=ROUND_TIMEOUT)
    expect(thumbnails(page)).to_have_count(8)
    second_batch = [thumbnails(page).nth(i).locator("img").get_attribute("src") for i in range(8)]
    assert second_batch != first_batch, "round 2 must show a new batch"
    screenshot(page, "flow-2-round-2")

    page.get_by_role("tab", name="Explain").click()
    expect(page.locator("#explain-note")).to_contain_text("Round 2")
    expect(page.locator("#palettes img")).to_be_visible()
    expect(page.locator("#taste-story")).to_contain_text("Round 1: where you started (now 100% The Great Wave off Kanagawa)")
    expect(page.locator("#taste-story")).to_contain_text("Round 2: ")
    expect(page.locator("#taste-path")).to_be_visible()
    page.locator("#attention-candidate img").click(position={"x": 40, "y": 40})  # a point on the candidate
    expect(page.locator("#attention-point img")).to_be_visible()
    screenshot(page, "flow-3b-attention")
    screenshot(page, "flow-3-explain")
    page.get_by_role("tab", name="History").click()
    expect(page.locator("#history-round input")).to_have_value("Round 2 (current)")
    expect(page.locator("#history-candidates .thumbnail-item")).to_have_count(8)
    page.get_by_role("tab", name="Paint").click()

    page.click("#undo-btn")
    expect(page.locator("#status")).to_contain_text("Round 1 · 2 picked")
    expect(page.locator("#candidates")).to_contain_text("#2 · picked")


def test_corrupt_upload_shows_a_clear_error_and_the_app_keeps_working(page, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"this is not really an image" * 10)
    page.locator("#content-image input[type=file]").set_input_files(str(broken))
    page.click("#generate-btn")
    expect(page.get_by_text(re.compile("could not be read"))).to_be_visible(timeout=60_000)
    screenshot(page, "corrupt-upload")
    expect(page.locator("#status")).to_contain_text("Round 1 · 0 picked")

    upload_and_generate(page)


def test_two_browsers_see_only_their_own_sessions(browser, app_url):
    pages = []
    for photo in ("owl.jpg", "chelsea_cat.jpg"):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(app_url)
        upload_and_generate(page, REPO / "examples" / "photos" / photo)
        pages.append(page)
    a, b = pages
    thumbnails(a).nth(0).click()
    thumbnails(a).nth(3).click()
    expect(a.locator("#status")).to_contain_text("2 picked")
    b.click("#undo-btn")  # b has nothing to undo: its own session is untouched by a's picks
    expect(b.get_by_text("Nothing to undo")).to_be_visible()
    expect(b.locator("#status")).to_contain_text("Round 1 · 0 picked")
    thumbnails(b).nth(4).click()  # the first column: the error toast covers the right of the gallery for a while
    expect(b.locator("#status")).to_contain_text("Round 1 · 1 picked")
    expect(a.locator("#status")).to_contain_text("Round 1 · 2 picked")
    assert a.locator("#candidates img").first.get_attribute("src") != b.locator("#candidates img").first.get_attribute("src")
    for page in pages:
        page.context.close()
