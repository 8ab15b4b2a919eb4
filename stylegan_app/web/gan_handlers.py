"""The Sketch, Collections and Canvas tabs: a drawing painted by a sketch model (pix2pix), a photo in a collection's
manner (CycleGAN), new canvases from noise (DCGAN); in each, picks by clicking, a round that learns from them, undo.
Each handler is a service call plus display; each tab keeps its own session in its TabState."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from pathlib import Path

import gradio as gr

from stylegan_app.engine.gan_models import GAN_SIDE, list_gan_models

from .events import read_upload, user_key
from .paint_handlers import gallery_items, status_text
from .request_limits import JobLimiter
from .service_handle import ServiceHandle
from .tab_state import TabState
from .zerogpu import generate_seconds, gpu, train_seconds

CANVASES = 8
NO_GAN_SESSION_STATUS = "Round 1 · 0 picked · paint, then click the ones you like and press Learn my taste."


def check_count(n) -> int:
    """The slider's number (its range is checked by the service: the browser's sliders can be bypassed)."""
    try:
        return int(n)
    except (TypeError, ValueError):
        raise ValueError("The number of paintings must be a number.") from None


def drawing_path(sketch: dict | None, upload: str | None) -> str:
    """The drawing to paint: an uploaded one, else the sketchpad's picture; a ValueError when there is neither."""
    if upload is not None:
        return upload
    composite = (sketch or {}).get("composite")
    if not composite:
        raise ValueError("Draw something on the sketchpad first (or upload a line drawing).")
    return composite


class GanHandlers:
    """Paint a drawing, a photo in a collection's manner, or new canvases with a shipped model chosen by its title; pick,
    learn, undo."""

    def __init__(self, service: ServiceHandle, limiter: JobLimiter, gans_dir: Path) -> None:
        self.service, self.limiter, self.gans_dir = service, limiter, gans_dir
        # On a ZeroGPU Space these run under spaces.GPU for as long as their work needs; elsewhere unchanged.
        paint_time = lambda *args, **kwargs: generate_seconds(CANVASES, GAN_SIDE)  # noqa: E731
        self.on_sketch, self.on_collection, self.on_canvas = (
            gpu(paint_time)(f) for f in (self.on_sketch, self.on_collection, self.on_canvas)
        )
        learn_time = lambda *args, **kwargs: train_seconds(self.service.get().personalize_cfg.steps) + paint_time()  # noqa: E731
        self.on_learn = gpu(learn_time)(self.on_learn)

    def _model(self, mode: str, title: str | None) -> str:
        """The name of the shipped model of this mode with this title (the dropdown shows titles)."""
        for model in list_gan_models(self.gans_dir, mode):
            if model.title == title:
                return model.name
        raise ValueError("Please choose a model from the list.")

    def _paint(self, st: TabState, mode: str, name: str, source: bytes | None, n: int, request: gr.Request | None):
        """A new batch (a fresh seed each time) in the tab's session, starting one when the model or image changed."""
        service = self.service.get()
        st = replace(st)
        key = hashlib.sha256(name.encode() + b"\0" + (source or b"")).hexdigest()
        with self.limiter.slot(user_key(request)):
            if st.session is None or st.key != key:
                st.session, st.key = service.start_gan_session(name, source, mode=mode), key
            st.settings = {**st.settings, "n": n}
            service.generate(st.session, n=n, seed=random.randrange(2**31 - 1))
        return self.show(st)

    def on_sketch(self, st, sketch, upload, title, n, request: gr.Request = None):
        """The drawing's paintings, each with its own stroke scale and noise."""
        path = drawing_path(sketch, upload)
        count, name = check_count(n), self._model("pix2pix", title)
        return self._paint(st, "pix2pix", name, read_upload(path), count, request)

    def on_collection(self, st, photo, title, n, request: gr.Request = None):
        """The photo in the collection's manner, n takes."""
        if photo is None:
            raise ValueError("Please upload a photo first (or click one of the examples).")
        count, name = check_count(n), self._model("cyclegan", title)
        return self._paint(st, "cyclegan", name, read_upload(photo), count, request)

    def on_canvas(self, st, title, request: gr.Request = None):
        """CANVASES new canvases, a fresh draw each time."""
        return self._paint(st, "dcgan", self._model("dcgan", title), None, CANVASES, request)

    def on_select(self, st, evt: gr.SelectData):
        """A click on a painting toggles it as a pick."""
        if st.session is None or not 0 <= evt.index < len(st.shown):
            raise ValueError("Paint first, then click the ones you like.")
        self.service.get().toggle_pick(st.session, st.shown[evt.index])
        return self.show(replace(st, selected=st.shown[evt.index]))

    def on_learn(self, st, request: gr.Request = None, progress=gr.Progress()):
        """One round toward the picks, then the next batch from the new model."""
        if st.session is None:
            raise ValueError("Paint and pick some before learning your taste.")
        service = self.service.get()
        with self.limiter.slot(user_key(request)):
            service.personalize(st.session, progress=lambda fraction, message: progress(0.9 * fraction, desc=message))
            progress(0.92, desc="painting the next batch")
            service.generate(st.session, n=st.settings["n"], seed=random.randrange(2**31 - 1))
        return self.show(replace(st))

    def on_undo(self, st):
        if st.session is None:
            raise ValueError("Nothing to undo yet.")
        self.service.get().undo(st.session)
        return self.show(replace(st))

    def show(self, st: TabState) -> tuple[list, str, TabState]:
        """The gallery, the status line and the tab state (st is the handler's own copy)."""
        view = self.service.get().batch(st.session)
        st.shown = [c.id for c in view.candidates]
        return gallery_items(view.candidates, view.ratings), status_text(view), st

    def sheet(self, mode: str, title: str | None) -> str | None:
        """The chosen model's contact sheet (None where it has none); read from its folder, not the service, so the page
        can show it before the service is built."""
        for model in list_gan_models(self.gans_dir, mode):
            if model.title == title and model.samples_path.is_file():
                return str(model.samples_path)
        return None
