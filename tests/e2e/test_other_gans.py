"""The other GANs in a real browser, with the shipped models: draw and paint a sketch, a photo in a collection's
manner, and new canvases."""

import pytest
from browser_helpers import PHOTO, screenshot
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


def test_eight_new_canvases_each_click(page):
    page.get_by_role("tab", name="Canvas").click()
    page.click("#canvas-btn")
    expect(page.locator("#canvases .thumbnail-item")).to_have_count(8, timeout=120_000)
    first = page.locator("#canvas-note").inner_text()
    page.click("#canvas-btn")
    expect(page.locator("#canvas-note")).not_to_have_text(first, timeout=60_000)
    screenshot(page, "other-gans-3-canvas")
