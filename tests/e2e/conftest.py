"""Browser tests: the real app (`python app.py`) on a free loopback port, driven by Playwright in Debian's chromium."""

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM_FLAGS, REPO, chromium_path, free_port


@contextlib.contextmanager
def running_app(data: Path, **env_extra: str) -> Iterator[str]:
    """`python app.py` on a free loopback port with its own data folder; yields its URL, stops it afterwards."""
    port = free_port()
    env = {**os.environ, "STYLEGAN_APP_DATA": str(data), "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "STYLEGAN_APP_DEVICE": "cpu", **env_extra}  # fmt: skip
    with open(data / "app.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError(f"The app did not start: {(data / 'app.log').read_text()[-2000:]}") from None
                time.sleep(0.5)
        try:
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app, offline, for the whole session."""
    with running_app(tmp_path_factory.mktemp("app-data")) as url:
        yield url


def new_page(browser, url: str):
    """A fresh browser context (its own cookies and Gradio session) on the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a busy 2-core machine
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser context on the app, closed after the test."""
    page = new_page(browser, app_url)
    yield page
    page.context.close()
