"""Entry point for `python app.py` and a Hugging Face Space: builds the service and launches the UI."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no network calls at start

from stylegan_app.engine.cpu_threads import set_wait_policy  # noqa: E402

set_wait_policy()  # OpenMP threads sleep while they wait: before anything imports torch

from starlette.middleware import Middleware  # noqa: E402

from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.web.layout import build_demo  # noqa: E402
from stylegan_app.web.request_limits import MAX_BODY_BYTES, BodySizeLimit  # noqa: E402

QUEUE_SIZE = 16  # waiting jobs beyond this are refused with "queue full" rather than piling up
SETTINGS = Settings.from_env()


def make_service():
    """The service (it imports torch): built in the background while the first page is already served."""
    from stylegan_app.app.service import StyleService

    return StyleService(SETTINGS)


demo = build_demo(make_service, styles_dir=SETTINGS.styles_dir)

if __name__ == "__main__":
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=1).launch(
        max_file_size="20mb",  # the image decoder's own limit; the middleware covers JSON bodies and data URLs
        app_kwargs={"middleware": [Middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)]},
    )
