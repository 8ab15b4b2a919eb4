"""Tests for space.py: spaces.GPU where the package is present, a no-op elsewhere, and the GPU seconds asked for."""

import sys
import types

from stylegan_app.web.zerogpu import BASE_SECONDS, generate_seconds, gpu, train_seconds


def paint(n: int) -> str:
    """A stand-in for a UI handler."""
    return f"painted {n}"


def seconds(*args, **kwargs) -> int:
    """A stand-in for a duration callable."""
    return 42


def fake_spaces() -> types.ModuleType:
    """A `spaces` module whose GPU(duration=...) records the duration and marks the functions it wraps."""
    module = types.ModuleType("spaces")
    module.durations = []

    def GPU(duration):  # noqa: N802 - the real package's name
        module.durations.append(duration)

        def decorate(fn):
            def wrapped(*args, **kwargs):
                return fn(*args, **kwargs)

            wrapped.on_gpu = True
            return wrapped

        return decorate

    module.GPU = GPU
    return module


def test_without_spaces_the_function_is_unchanged(monkeypatch):
    monkeypatch.setitem(sys.modules, "spaces", None)  # import spaces raises ImportError, installed or not
    assert gpu(seconds)(paint) is paint


def test_with_spaces_the_function_is_wrapped_by_spaces_gpu(monkeypatch):
    spaces = fake_spaces()
    monkeypatch.setitem(sys.modules, "spaces", spaces)
    decorated = gpu(seconds)(paint)
    assert getattr(decorated, "on_gpu", False)
    assert decorated(3) == "painted 3"


def test_with_spaces_gpu_gets_the_duration_callable(monkeypatch):
    spaces = fake_spaces()
    monkeypatch.setitem(sys.modules, "spaces", spaces)
    gpu(seconds)(paint)
    assert spaces.durations == [seconds]


def test_generate_seconds_grow_with_the_number_of_candidates():
    assert generate_seconds(1, 2048) < generate_seconds(8, 2048) < generate_seconds(32, 2048)


def test_generate_seconds_grow_with_the_size():
    assert generate_seconds(8, 512) < generate_seconds(8, 1024) < generate_seconds(8, 2048)


def test_generate_seconds_include_the_loading_time():
    assert generate_seconds(1, 64) == BASE_SECONDS


def test_train_seconds_grow_with_the_steps():
    assert BASE_SECONDS <= train_seconds(0) < train_seconds(10) < train_seconds(100)
