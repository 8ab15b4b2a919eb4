"""build_demo(service): layout and event wiring only; every handler calls the service."""

from __future__ import annotations

import gradio as gr

from .config import REPO_DIR
from .service import StyleService

EXAMPLE_PHOTOS = sorted(str(p) for p in (REPO_DIR / "examples" / "photos").glob("*.jpg"))


def build_demo(service: StyleService) -> gr.Blocks:
    """A first page: photo and preset in, 8 candidates out."""
    presets = service.presets()

    def generate(photo, preset: str, seed: int, size: int):
        if photo is None:
            raise gr.Error("Please upload a photo first.")
        if preset not in presets:
            raise gr.Error("Please choose a style.")
        try:
            images = service.candidates(photo, preset, n=8, seed=int(seed), size=int(size))
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        return images, f"Round 1 · 0 picked · {len(images)} candidates in the style of {preset}"

    with gr.Blocks(title="stylegan_app") as demo:
        gr.Markdown("## Paint your photo\nUpload a photo, choose a painting, and get 8 different takes on it.")
        with gr.Row():
            with gr.Column(scale=1):
                photo = gr.Image(label="Your photo", type="pil", elem_id="content-image", sources=["upload", "clipboard"])
                gr.Examples(EXAMPLE_PHOTOS, inputs=photo)
                preset = gr.Dropdown(presets, value=presets[0] if presets else None, label="Style", elem_id="style-preset")
                painting = gr.Image(label="The painting", interactive=False, height=200)
                with gr.Row():
                    seed = gr.Number(0, label="Seed", precision=0, minimum=0)
                    size = gr.Slider(128, 1024, value=512, step=64, label="Output size (long side)")
                button = gr.Button("Generate", variant="primary", elem_id="generate-btn")
            with gr.Column(scale=2):
                gallery = gr.Gallery(label="Candidates", columns=4, elem_id="candidates", height="auto")
                status = gr.Markdown("Round 1 · 0 picked", elem_id="status")
        preset.change(lambda name: service.preset_thumbnail(name) if name else None, preset, painting)
        demo.load(lambda name: service.preset_thumbnail(name) if name else None, preset, painting)
        button.click(generate, [photo, preset, seed, size], [gallery, status], concurrency_limit=1)
    return demo
