"""What the browser tests share: where the repo and artefacts are, how chromium is found, the first steps of a flow."""

import shutil
import socket
from pathlib import Path

from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
PHOTO = REPO / "examples" / "photos" / "owl.jpg"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_path() -> str:
    """Debian's chromium (installed by scripts/test.sh); the tests fail, not skip, without it."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("chromium is not installed: run scripts/test.sh, which installs Debian's chromium.")
    return path


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def thumbnails(page):
    return page.locator("#candidates .thumbnail-item")


def upload_and_generate(page, photo=PHOTO, painting: str | None = None) -> None:
    page.locator("#content-image input[type=file]").set_input_files(str(photo))
    expect(page.locator("#content-image img")).to_be_visible()
    if painting is not None:
        page.locator("#preset-gallery .thumbnail-item", has_text=painting).click()
        expect(page.locator("#style-preset input")).to_have_value(painting)
    page.click("#generate-btn")
    expect(page.locator("#status")).to_contain_text("Round 1 · 0 picked · click the candidates", timeout=120_000)
    expect(thumbnails(page)).to_have_count(8)
