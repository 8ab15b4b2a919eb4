"""The Sketch, Collections and Canvas tabs: a drawing painted by a sketch model (pix2pix), a photo in a collection's
manner (CycleGAN), new canvases from noise (DCGAN). Each handler is a service call plus display."""

from __future__ import annotations

import random
from pathlib import Path

import gradio as gr

from stylegan_app.engine.gan_models import list_gan_models

from .events import read_upload, user_key
from .request_limits import JobLimiter
from .service_handle import ServiceHandle

CANVASES = 8


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
    """Paint a drawing, a photo in a collection's manner, or new canvases, with a shipped model chosen by its title."""

    def __init__(self, service: ServiceHandle, limiter: JobLimiter, gans_dir: Path) -> None:
        self.service, self.limiter, self.gans_dir = service, limiter, gans_dir

    def _model(self, mode: str, title: str | None) -> str:
        """The name of the shipped model of this mode with this title (the dropdown shows titles)."""
        for model in list_gan_models(self.gans_dir, mode):
            if model.title == title:
                return model.name
        raise ValueError("Please choose a model from the list.")

    def on_sketch(self, sketch, upload, title, n, request: gr.Request = None):
        """The drawing's paintings, one per draw of the model's noise."""
        path = drawing_path(sketch, upload)
        count, name = check_count(n), self._model("pix2pix", title)
        with self.limiter.slot(user_key(request)):
            paintings = self.service.get().paint_drawing(read_upload(path), name, n=count, seed=0)
        return [(p, f"painting {i + 1}") for i, p in enumerate(paintings)]

    def on_collection(self, photo, title, n, request: gr.Request = None):
        """The photo in the collection's manner, n takes."""
        if photo is None:
            raise ValueError("Please upload a photo first (or click one of the examples).")
        count, name = check_count(n), self._model("cyclegan", title)
        with self.limiter.slot(user_key(request)):
            takes = self.service.get().paint_in_collection(read_upload(photo), name, n=count, seed=0)
        return [(t, f"take {i + 1}") for i, t in enumerate(takes)]

    def on_canvas(self, title, request: gr.Request = None):
        """CANVASES new canvases, a fresh draw each time (the seed is shown, so a batch can be painted again)."""
        name, seed = self._model("dcgan", title), random.randrange(2**31 - 1)
        with self.limiter.slot(user_key(request)):
            canvases = self.service.get().paint_canvases(name, n=CANVASES, seed=seed)
        return [(c, f"canvas {i + 1}") for i, c in enumerate(canvases)], f"8 new canvases (seed {seed})."

    def sheet(self, mode: str, title: str | None) -> str | None:
        """The chosen model's contact sheet (None where it has none); read from its folder, not the service, so the page
        can show it before the service is built."""
        for model in list_gan_models(self.gans_dir, mode):
            if model.title == title and model.samples_path.is_file():
                return str(model.samples_path)
        return None
