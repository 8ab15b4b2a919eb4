"""Browser tests: the real app (`python app.py`) on a free loopback port, driven by Playwright in Debian's chromium."""

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from browser_helpers import CHROMIUM_FLAGS, REPO, chromium_path, free_port


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """URL of a freshly started app with its own data folder; stopped at the end of the session."""
    port = free_port()
    data = tmp_path_factory.mktemp("app-data")
    env = {**os.environ, "STYLEGAN_APP_DATA": str(data), "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "STYLEGAN_APP_DEVICE": "cpu"}  # fmt: skip
    log = open(data / "app.log", "w")  # noqa: SIM115 (closed below)
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
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


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
    """A fresh browser context (its own cookies and Gradio session) on the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url)
    yield page
    context.close()
