"""Entry point for `python app.py` and a Hugging Face Space: builds the service and launches the UI."""

import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no network calls at start

from stylegan_app.engine.cpu_threads import set_wait_policy  # noqa: E402
from stylegan_app.engine.memory import limit_arenas  # noqa: E402

set_wait_policy()  # OpenMP threads sleep while they wait: before anything imports torch
limit_arenas()  # a server's job threads share two malloc arenas instead of growing one each
# Gradio imports IPython, where it is installed, for its notebook magic: 0.3 s of the start that a server never uses
# (inside a notebook IPython is already loaded, and this changes nothing).
sys.modules.setdefault("IPython", None)

from starlette.middleware import Middleware  # noqa: E402

from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.web.layout import build_demo  # noqa: E402
from stylegan_app.web.request_limits import MAX_BODY_BYTES, BodySizeLimit  # noqa: E402
from stylegan_app.web.service_handle import ServiceHandle  # noqa: E402

QUEUE_SIZE = 64  # requests waiting beyond this are refused with "queue full" (picks wait in it too: 32 visitors each
# with a Generate and a round waiting must still be able to pick)
SETTINGS = Settings.from_env()


def make_service():
    """The service (it imports torch): built in the background while the first page is already served."""
    from stylegan_app.app.service import StyleService

    return StyleService(SETTINGS)


SERVICE = ServiceHandle(make_service, start=False)  # built once the page is served (or at its first use, if sooner)
demo = build_demo(SERVICE, styles_dir=SETTINGS.styles_dir)

if __name__ == "__main__":
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=1).launch(
        max_file_size="20mb",  # the image decoder's own limit; the middleware covers JSON bodies and data URLs
        app_kwargs={"middleware": [Middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)]},
        prevent_thread_lock=True,
    )
    # Importing torch and reading the models holds the interpreter for seconds: done after the server answers, so
    # the first page does not wait for it; a visitor's first Generate waits at most for what is left of it.
    SERVICE.start()
    demo.block_thread()
