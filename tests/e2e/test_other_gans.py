"""The other GANs in a real browser, with the shipped models: draw and paint a sketch, a photo in a collection's
manner, and new canvases; pick, learn a round and undo as on photos."""

import pytest
from browser_helpers import PHOTO, screenshot
from PIL import Image, ImageDraw
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_draw_on_the_sketchpad_and_paint_it(page):
    page.get_by_role("tab", name="Sketch").click()
    canvas = page.locator("#sketchpad canvas").first
    expect(canvas).to_be_visible()
    page.wait_for_timeout(1000)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    for x, y in ((0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.3, 0.3), (0.5, 0.15), (0.7, 0.3)):  # a house
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=10)
    page.mouse.up()
    page.locator("#sketch-n input[type=number]").fill("3")
    page.click("#sketch-btn")
    expect(page.locator("#sketch-paintings .thumbnail-item")).to_have_count(3, timeout=120_000)
    expect(page.locator("#sketch-samples img")).to_be_visible()
    screenshot(page, "other-gans-1-sketch")


def test_a_photo_in_a_collection_s_manner(page):
    page.get_by_role("tab", name="Collections").click()
    page.locator("#collection-photo input[type=file]").set_input_files(str(PHOTO))
    expect(page.locator("#collection-photo img")).to_be_visible()
    page.click("#collection-btn")
    expect(page.locator("#collection-takes .thumbnail-item")).to_have_count(4, timeout=120_000)
    screenshot(page, "other-gans-2-collection")


def test_canvases_picked_learned_from_and_undone(page):
    page.get_by_role("tab", name="Canvas").click()
    page.click("#canvas-btn")
    canvases = page.locator("#canvases .thumbnail-item")
    expect(canvases).to_have_count(8, timeout=120_000)
    first = [canvases.nth(i).locator("img").get_attribute("src") for i in range(8)]
    canvases.nth(2).click()
    expect(page.locator("#canvas-status")).to_contain_text("Round 1 · 1 picked")
    expect(page.locator("#canvases")).to_contain_text("#3 · picked")
    screenshot(page, "other-gans-3-canvas-picked")
    page.click("#canvas-learn")
    expect(page.locator("#canvas-status")).to_contain_text("Round 2 · 0 picked", timeout=240_000)
    expect(canvases).to_have_count(8)
    assert [canvases.nth(i).locator("img").get_attribute("src") for i in range(8)] != first, "round 2 shows a new batch"
    screenshot(page, "other-gans-4-canvas-round-2")
    page.click("#canvas-undo")
    expect(page.locator("#canvas-status")).to_contain_text("Round 1 · 1 picked")


def test_an_uploaded_drawing_s_paintings_can_be_picked(page, tmp_path):
    drawing = Image.new("RGB", (320, 240), "white")
    ImageDraw.Draw(drawing).polygon([(80, 200), (80, 100), (160, 40), (240, 100), (240, 200)], outline="black", width=4)
    drawing.save(tmp_path / "house.png")
    page.get_by_role("tab", name="Sketch").click()
    page.locator("#sketch-upload input[type=file]").set_input_files(str(tmp_path / "house.png"))
    expect(page.locator("#sketch-upload img")).to_be_visible()
    page.click("#sketch-btn")
    paintings = page.locator("#sketch-paintings .thumbnail-item")
    expect(paintings).to_have_count(4, timeout=120_000)
    paintings.nth(0).click()
    expect(page.locator("#sketch-status")).to_contain_text("Round 1 · 1 picked")
    paintings.nth(0).click()
    expect(page.locator("#sketch-status")).to_contain_text("Round 1 · 0 picked")
