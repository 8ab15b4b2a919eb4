"""Regions in a real browser: paint the left of the photo with the brush, give it another painting, generate."""

import pytest
from browser_helpers import PHOTO, screenshot, thumbnails
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_paint_a_region_with_the_brush_and_generate_with_it(page):
    page.locator("#content-image input[type=file]").set_input_files(str(PHOTO))
    expect(page.locator("#content-image img")).to_be_visible()
    page.locator("#preset-gallery .thumbnail-item", has_text="great_wave").click()
    page.locator("#regions").get_by_text("Regions: a different painting").click()
    canvas = page.locator("#region-editor canvas").first
    expect(canvas).to_be_visible()
    page.wait_for_timeout(1000)  # the editor draws the photo as its background
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.2)  # the photo sits in the canvas's middle
    page.mouse.down()
    for step in range(12):  # a thick zig-zag over the left part
        x = box["x"] + box["width"] * (0.3 if step % 2 == 0 else 0.45)
        page.mouse.move(x, box["y"] + box["height"] * (0.2 + 0.05 * step), steps=8)
    page.mouse.up()
    page.locator("#region-preset input").fill("night_cafe")
    page.keyboard.press("Enter")
    page.click("#region-add-btn")
    expect(page.locator("#region-list")).to_contain_text("Region 1: night_cafe (yellow)")
    expect(page.locator("#region-preview img")).to_be_visible()
    screenshot(page, "regions-1-painted")
    page.click("#generate-btn")
    expect(page.locator("#status")).to_contain_text("Round 1 · 0 picked", timeout=120_000)
    expect(thumbnails(page)).to_have_count(8)
    screenshot(page, "regions-2-generated")
