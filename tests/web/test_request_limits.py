"""Tests for limits.py: jobs per user (also across threads) and the request body size limit."""

import asyncio
import concurrent.futures
import threading

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from stylegan_app.web.request_limits import BodySizeLimit, JobLimiter, TooManyJobs

LIMIT = 100  # bytes


# ---- JobLimiter ---------------------------------------------------------------------------------


def test_per_user_jobs_run_at_once():
    limiter = JobLimiter(per_user=2)
    with limiter.slot("ann"), limiter.slot("ann"):
        assert limiter.running("ann") == 2


def test_one_job_more_is_refused_with_a_wait_message():
    limiter = JobLimiter(per_user=1)
    with limiter.slot("ann"), pytest.raises(TooManyJobs, match="wait"), limiter.slot("ann"):
        pass


def test_too_many_jobs_is_a_value_error():
    """So the UI edge turns it into gr.Error like any other library ValueError."""
    limiter = JobLimiter(per_user=1)
    with limiter.slot("ann"), pytest.raises(ValueError), limiter.slot("ann"):
        pass


def test_the_slot_is_free_after_the_block():
    limiter = JobLimiter(per_user=1)
    with limiter.slot("ann"):
        pass
    assert limiter.running("ann") == 0
    with limiter.slot("ann"):
        assert limiter.running("ann") == 1


def test_the_slot_is_free_after_the_block_raises():
    limiter = JobLimiter(per_user=1)
    with pytest.raises(RuntimeError), limiter.slot("ann"):
        raise RuntimeError("the job failed")
    assert limiter.running("ann") == 0


def test_a_refused_job_takes_no_slot():
    limiter = JobLimiter(per_user=1)
    with limiter.slot("ann"):
        with pytest.raises(TooManyJobs), limiter.slot("ann"):
            pass
        assert limiter.running("ann") == 1
    assert limiter.running("ann") == 0


def test_keys_are_independent():
    limiter = JobLimiter(per_user=1)
    with limiter.slot("ann"), limiter.slot("bob"):
        assert (limiter.running("ann"), limiter.running("bob")) == (1, 1)


def test_racing_threads_get_one_slot_between_them():
    """20 threads start together on 1 slot; the winner holds it until all 19 others have been refused."""
    limiter, n = JobLimiter(per_user=1), 20
    start, all_refused, lock = threading.Barrier(n), threading.Event(), threading.Lock()
    got_in, refused = [], []

    def job() -> None:
        start.wait()
        try:
            with limiter.slot("ann"):
                got_in.append(limiter.running("ann"))
                all_refused.wait(timeout=10)
        except TooManyJobs:
            with lock:
                refused.append(1)
                if len(refused) == n - 1:
                    all_refused.set()

    threads = [threading.Thread(target=job) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert (got_in, len(refused)) == ([1], n - 1)
    assert limiter.running("ann") == 0


# ---- BodySizeLimit ------------------------------------------------------------------------------


@pytest.fixture
def echo():
    """A tiny Starlette app, wrapped in the limit, that answers with the length of the body; .calls lists the lengths it read."""
    calls: list[int] = []

    async def length(request: Request) -> PlainTextResponse:
        body = await request.body()
        calls.append(len(body))
        return PlainTextResponse(str(len(body)))

    client = TestClient(BodySizeLimit(Starlette(routes=[Route("/", length, methods=["POST"])]), max_bytes=LIMIT))
    client.calls = calls
    return client


def chunks(n: int, size: int = 30):
    """A streamed body of n chunks: httpx sends it chunked, without Content-Length."""
    for _ in range(n):
        yield b"x" * size


def run_in_own_thread(coroutine) -> None:
    """asyncio.run in a fresh thread: the browser tests' Playwright keeps an event loop running in the main one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def call(app, scope: dict, messages: list[dict]) -> list[dict]:
    """Run an ASGI app on a hand-written scope and incoming messages; returns what it sent."""
    sent: list[dict] = []
    incoming = iter(messages)

    async def receive() -> dict:
        return next(incoming)

    async def send(message: dict) -> None:
        sent.append(message)

    run_in_own_thread(app(scope, receive, send))
    return sent


def http_scope(headers: list[tuple[bytes, bytes]]) -> dict:
    """A POST / scope with the given headers."""
    return {"type": "http", "method": "POST", "path": "/", "headers": headers}


def test_a_small_body_passes(echo):
    response = echo.post("/", content=b"x" * LIMIT)
    assert (response.status_code, response.text, echo.calls) == (200, str(LIMIT), [LIMIT])


def test_a_small_streamed_body_passes(echo):
    response = echo.post("/", content=chunks(3))
    assert (response.status_code, response.text) == (200, "90")


def test_a_declared_length_over_the_limit_gets_413_without_calling_the_app(echo):
    response = echo.post("/", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert echo.calls == []


def test_a_streamed_body_over_the_limit_gets_413(echo):
    response = echo.post("/", content=chunks(10))
    assert response.request.headers.get("content-length") is None
    assert response.status_code == 413
    assert echo.calls == []  # the app never got the body


def test_a_body_longer_than_its_declared_length_gets_413():
    async def app(scope, receive, send) -> None:
        while (await receive())["more_body"]:
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    body = [{"type": "http.request", "body": b"x" * 60, "more_body": True}] * 2 + [
        {"type": "http.request", "body": b"", "more_body": False}
    ]
    sent = call(BodySizeLimit(app, max_bytes=LIMIT), http_scope([(b"content-length", b"10")]), body)
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [413]


def test_the_apps_own_answer_to_an_overflow_is_dropped():
    """An app that catches the error while reading (as Starlette and FastAPI do) cannot replace the 413 with its own answer."""

    async def app(scope, receive, send) -> None:
        try:
            while (await receive())["more_body"]:
                pass
        except Exception:
            await send({"type": "http.response.start", "status": 400, "headers": []})
            await send({"type": "http.response.body", "body": b"bad request"})

    body = [{"type": "http.request", "body": b"x" * 60, "more_body": True}] * 3
    sent = call(BodySizeLimit(app, max_bytes=LIMIT), http_scope([]), body)
    assert [m.get("status") for m in sent] == [413, None]
    assert b"too large" in sent[1]["body"]


@pytest.mark.parametrize("declared", [b"abc", b"-1", b"", b"1e3"])
def test_a_bad_content_length_gets_413(declared):
    async def app(scope, receive, send) -> None:
        raise AssertionError("the app must not be called")

    sent = call(BodySizeLimit(app, max_bytes=LIMIT), http_scope([(b"content-length", declared)]), [])
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413


@pytest.mark.parametrize("kind", ["websocket", "lifespan"])
def test_other_scopes_pass_through_untouched(kind):
    seen = []
    scope = {"type": kind, "headers": [(b"content-length", b"999999")]}

    async def receive() -> dict:
        return {}

    async def send(message: dict) -> None:
        pass

    async def app(*args) -> None:
        seen.append(args)

    run_in_own_thread(BodySizeLimit(app, max_bytes=LIMIT)(scope, receive, send))
    assert len(seen) == 1
    assert seen[0][0] is scope and seen[0][1] is receive and seen[0][2] is send


def test_a_streamed_json_body_over_the_limit_gets_413_from_a_fastapi_route():
    """Mounted as app.py mounts it: FastAPI turns errors while parsing a body into its own 400, which must not win."""

    class Item(BaseModel):
        data: str

    api = FastAPI(middleware=[Middleware(BodySizeLimit, max_bytes=LIMIT)])

    @api.post("/")
    def length(item: Item) -> int:
        return len(item.data)

    body = (b'{"data": "', *chunks(5), b'"}')
    response = TestClient(api).post("/", content=iter(body), headers={"content-type": "application/json"})
    assert response.status_code == 413
