"""The glue between Gradio events and the handlers: refusals as warnings, uploads as paths, who is asking."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path

import gradio as gr


def refusing(handler: Callable, n_outputs: int) -> Callable:
    """handler, with a ValueError shown as a warning toast and every output left unchanged.

    A gr.Error would replace the outputs (the candidates, say) with an error badge; a refusal changes nothing.
    """

    def refuse(exc: ValueError):
        gr.Warning(str(exc))
        return gr.skip() if n_outputs == 1 else tuple(gr.skip() for _ in range(n_outputs))

    if inspect.isgeneratorfunction(handler):

        @functools.wraps(handler)
        def stream(*args, **kwargs):
            try:
                yield from handler(*args, **kwargs)
            except ValueError as exc:
                yield refuse(exc)

        return stream

    @functools.wraps(handler)
    def call(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except ValueError as exc:
            return refuse(exc)

    return call


def path_only(image: gr.Image) -> gr.Image:
    """Hand the handler the uploaded file's path without opening it.

    gr.Image decodes uploads itself and a damaged file then fails with a bare "Error"; this way the file
    reaches the service's safe decoder, which says what is wrong. (A subclass would make Gradio write a .pyi.)
    """
    image.preprocess = lambda payload: None if payload is None else payload.path
    return image


def read_upload(path: str) -> bytes:
    """The bytes of an uploaded file, or a ValueError asking for the upload again."""
    try:
        return Path(path).read_bytes()
    except OSError:
        raise ValueError("The upload could not be read: please upload the file again.") from None


def user_key(request: gr.Request | None) -> str:
    """Whose job this is: the signed-in name, else the browser session, else "local"."""
    return (request.username or request.session_hash or "local") if request is not None else "local"
