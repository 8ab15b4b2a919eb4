"""Server-side limits of the web app: jobs per user and request body size. No gradio import."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

MAX_BODY_BYTES = 30 * 1024 * 1024  # an upload at the decoder's 20 MB limit, base64-encoded in JSON, still fits


class TooManyJobs(ValueError):
    """The user already has as many jobs running as allowed."""


class JobLimiter:
    """At most `per_user` jobs running at once for each user key (a browser session or a signed-in name)."""

    def __init__(self, per_user: int = 1) -> None:
        self.per_user = per_user
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, key: str) -> Iterator[None]:
        """Hold one of key's job slots for the duration of the block; TooManyJobs when none is free."""
        with self._lock:
            if self._running.get(key, 0) >= self.per_user:
                raise TooManyJobs("You already have a job running: wait for it to finish, then try again.")
            self._running[key] = self._running.get(key, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._running[key] -= 1
                if not self._running[key]:
                    del self._running[key]

    def running(self, key: str) -> int:
        """How many jobs key has running now."""
        with self._lock:
            return self._running.get(key, 0)


class BodySizeLimit:
    """ASGI middleware: answer 413 to any HTTP request whose body is larger than max_bytes.

    Checks the declared Content-Length first and then counts the bytes actually received, so a chunked
    body or a data URL inside JSON cannot get past it (an upload limit alone only covers file uploads).
    """

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0
        started = refused = False

        async def counted_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Answer now: the app may catch the error and answer it itself (a 500, FastAPI's 400).
                    if not started and not refused:
                        refused = True
                        await self._refuse(send)
                    raise _BodyTooLarge
            return message

        async def tracked_send(message):
            nonlocal started
            if refused:
                return  # the 413 has been sent; drop the app's answer to the error
            started = started or message["type"] == "http.response.start"
            await send(message)

        # Answered in counted_receive, or too late to answer because the app had started its response.
        with suppress(_BodyTooLarge):
            await self.app(scope, counted_receive, tracked_send)

    async def _refuse(self, send) -> None:
        body = f"Request too large: the limit is {self.max_bytes / (1024 * 1024):.3g} MB.".encode()
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    """Raised inside the app's receive() when the counted body passes the limit."""
