"""The Sketch, Collections and Canvas tabs: their layout and wiring (what each event does is in gan_handlers.py); each
has its own session, picks by clicking, Learn my taste and Undo."""

from __future__ import annotations

import functools

import gradio as gr
from PIL import Image

from stylegan_app.config import Limits
from stylegan_app.engine.gan_models import list_gan_models

from .components import CANDIDATE_GRID, EXAMPLE_PHOTOS, GPU_GROUP
from .events import path_only, refusing
from .gan_handlers import NO_GAN_SESSION_STATUS, GanHandlers
from .tab_state import TabState

BLANK_SHEET = Image.new("RGB", (512, 384), "white")


def first(titles: list[str]) -> str | None:
    """A dropdown's starting choice: the first, or none."""
    return titles[0] if titles else None


def picks_row(prefix: str) -> tuple[gr.Markdown, gr.Button, gr.Button]:
    """The status line and the Learn my taste and Undo buttons under a tab's gallery (ids prefixed)."""
    status = gr.Markdown(NO_GAN_SESSION_STATUS, elem_id=f"{prefix}-status")
    with gr.Row():
        learn = gr.Button("Learn my taste", elem_id=f"{prefix}-learn")
        undo = gr.Button("Undo last round", elem_id=f"{prefix}-undo")
    return status, learn, undo


def wire_picks(other_gans: GanHandlers, st: gr.State, gallery: gr.Gallery, row: tuple[gr.Markdown, gr.Button, gr.Button]) -> None:
    """A click on a painting picks it (or unpicks it), Learn runs a round and paints the next batch, Undo goes back."""
    status, learn, undo = row
    outputs = [gallery, status, st]
    gallery.select(refusing(other_gans.on_select, 3), [st], outputs)
    learn.click(refusing(other_gans.on_learn, 3), [st], outputs, concurrency_id=GPU_GROUP)
    undo.click(refusing(other_gans.on_undo, 3), [st], outputs)


def gan_tabs(other_gans: GanHandlers, limits: Limits) -> None:
    """Build the three tabs inside the current Blocks (each hidden where no model of its kind ships) and wire them."""
    sketch_models, collection_models, canvas_models = (
        [m.title for m in list_gan_models(other_gans.gans_dir, mode)] for mode in ("pix2pix", "cyclegan", "dcgan")
    )
    sketch_st, collection_st, canvas_st = gr.State(TabState()), gr.State(TabState()), gr.State(TabState())
    with gr.Tab("Sketch", visible=bool(sketch_models)), gr.Row():
        with gr.Column(scale=1, min_width=320):
            gr.Markdown(
                "Draw with the brush (dark lines on white), or upload a line drawing; a sketch model paints it. "
                "Click the paintings you like and press Learn my taste: the next ones follow your picks."
            )
            # A white sheet to draw on (with a background the brush is ready at once; PNG, not the lossy default).
            sketchpad = gr.Sketchpad(BLANK_SHEET, label="Your drawing", type="filepath", elem_id="sketchpad", height=340, layers=False,
                                     transforms=(), format="png", canvas_size=BLANK_SHEET.size,
                                     brush=gr.Brush(colors=["#000000"], color_mode="fixed", default_size=4))  # fmt: skip
            sketch_upload = path_only(gr.Image(label="…or upload a drawing (used instead)", type="filepath", elem_id="sketch-upload",
                                               sources=["upload"], height=140))  # fmt: skip
            sketch_model = gr.Dropdown(sketch_models, value=first(sketch_models), label="Paint it like",
                                       elem_id="sketch-model")  # fmt: skip
            sketch_n = gr.Slider(1, limits.max_candidates, value=4, step=1, label="Number of paintings", elem_id="sketch-n")
            sketch_btn = gr.Button("Paint my drawing", variant="primary", elem_id="sketch-btn")
        with gr.Column(scale=2):
            sketch_gallery = gr.Gallery(label="Paintings of your drawing", elem_id="sketch-paintings", **CANDIDATE_GRID)
            sketch_picks = picks_row("sketch")
            sketch_samples = gr.Image(other_gans.sheet("pix2pix", first(sketch_models)), label="What this model does",
                                      interactive=False, elem_id="sketch-samples", height=260)  # fmt: skip
    with gr.Tab("Collections", visible=bool(collection_models)), gr.Row():
        with gr.Column(scale=1, min_width=320):
            gr.Markdown("A collection model learned the manner of a whole set of paintings, not of one picture.")
            collection_photo = path_only(gr.Image(label="Your photo", type="filepath", elem_id="collection-photo",
                                                  sources=["upload"], height=250))  # fmt: skip
            gr.Examples(EXAMPLE_PHOTOS, inputs=collection_photo, label="Example photos", cache_examples=False)
            collection_model = gr.Dropdown(collection_models, value=first(collection_models),
                                           label="Collection", elem_id="collection-model")  # fmt: skip
            collection_n = gr.Slider(1, limits.max_candidates, value=4, step=1, label="Number of takes", elem_id="collection-n")
            collection_btn = gr.Button("Paint in this collection's manner", variant="primary", elem_id="collection-btn")
        with gr.Column(scale=2):
            collection_gallery = gr.Gallery(label="Your photo in the collection's manner", elem_id="collection-takes", **CANDIDATE_GRID)
            collection_picks = picks_row("collection")
            collection_samples = gr.Image(other_gans.sheet("cyclegan", first(collection_models)), label="What this collection does",
                                          interactive=False, elem_id="collection-samples", height=260)  # fmt: skip
    with gr.Tab("Canvas", visible=bool(canvas_models)), gr.Row():
        with gr.Column(scale=1, min_width=320):
            gr.Markdown("New canvases from noise alone, in a painting's manner: its strokes and palette, never a copy.")
            canvas_model = gr.Dropdown(canvas_models, value=first(canvas_models), label="In the manner of",
                                       elem_id="canvas-model")  # fmt: skip
            canvas_btn = gr.Button("Paint 8 new canvases", variant="primary", elem_id="canvas-btn")
            canvas_samples = gr.Image(other_gans.sheet("dcgan", first(canvas_models)), label="What this model does", interactive=False,
                                      elem_id="canvas-samples", height=200)  # fmt: skip
        with gr.Column(scale=2):
            canvas_gallery = gr.Gallery(label="New canvases", elem_id="canvases", **CANDIDATE_GRID)
            canvas_picks = picks_row("canvas")

    sketch_btn.click(refusing(other_gans.on_sketch, 3), [sketch_st, sketchpad, sketch_upload, sketch_model, sketch_n],
                     [sketch_gallery, sketch_picks[0], sketch_st], concurrency_id=GPU_GROUP)  # fmt: skip
    wire_picks(other_gans, sketch_st, sketch_gallery, sketch_picks)
    sketch_model.input(functools.partial(other_gans.sheet, "pix2pix"), sketch_model, sketch_samples)
    collection_btn.click(refusing(other_gans.on_collection, 3), [collection_st, collection_photo, collection_model, collection_n],
                         [collection_gallery, collection_picks[0], collection_st], concurrency_id=GPU_GROUP)  # fmt: skip
    wire_picks(other_gans, collection_st, collection_gallery, collection_picks)
    collection_model.input(functools.partial(other_gans.sheet, "cyclegan"), collection_model, collection_samples)
    canvas_btn.click(refusing(other_gans.on_canvas, 3), [canvas_st, canvas_model], [canvas_gallery, canvas_picks[0], canvas_st],
                     concurrency_id=GPU_GROUP)  # fmt: skip
    wire_picks(other_gans, canvas_st, canvas_gallery, canvas_picks)
    canvas_model.input(functools.partial(other_gans.sheet, "dcgan"), canvas_model, canvas_samples)
