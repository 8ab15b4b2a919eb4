"""build_demo(service): the layout and its event wiring; what each event does is in the *_handlers.py of its tab."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
from gradio.utils import get_space

from stylegan_app.config import GANS_DIR, STYLES_DIR, Limits
from stylegan_app.engine.presets import list_presets

from .components import CANDIDATE_GRID, EXAMPLE_PHOTOS, GPU_GROUP
from .events import path_only, refusing
from .explain_handlers import NO_SESSION_NOTE, ExplainHandlers
from .gan_handlers import GanHandlers
from .gan_tabs import gan_tabs
from .history_handlers import HistoryHandlers
from .hub_handlers import HubHandlers
from .paint_handlers import NO_MIX, NO_SESSION_STATUS, PaintHandlers
from .region_handlers import NO_REGIONS, RegionHandlers
from .request_limits import JobLimiter
from .service_handle import ServiceHandle
from .tab_state import TabState

if TYPE_CHECKING:
    from stylegan_app.app.service import StyleService  # imports torch: only for type hints here

HOW_TO = (
    "**1.** Upload a photo (or click an example). **2.** Choose a painting, or upload your own. "
    "**3.** *Generate*: 8 takes on your photo. **4.** Click the ones you like (click again to unpick). "
    "**5.** *Learn my taste*: the next batch moves toward your picks. Repeat; *Undo* goes back a round."
)


# Gradio keeps a file of every image it sends (a 30-minute soak of 4 visitors left 40 files a minute): it is asked to
# delete, every CACHE_SWEEP[0] s, those older than CACHE_SWEEP[1] s. A 22-minute soak with it still grew (BENCHMARKS.md).
CACHE_SWEEP = (300, 900)


def build_demo(
    service: StyleService | Callable[[], StyleService] | ServiceHandle,
    jobs_per_user: int = 1,
    styles_dir: Path | None = None,
    limits: Limits = Limits(),
    gans_dir: Path | None = None,
) -> gr.Blocks:
    """The whole app: Paint, Sketch, Collections, Canvas, Explain, Shared models and History tabs.

    service: the service, a function that builds it (in the background, so the page is up before torch is), or a
    handle whose build starts when its owner says.
    """
    handle = service if isinstance(service, ServiceHandle) else ServiceHandle(service)
    presets = list_presets(styles_dir or (service.settings.styles_dir if hasattr(service, "settings") else STYLES_DIR))
    gans = gans_dir or (service.settings.gans_dir if hasattr(service, "settings") else GANS_DIR)
    names, paintings = [p.name for p in presets], [str(p.style_path) for p in presets]
    mixable = [p.name for p in presets if p.code_index is not None]
    paint = PaintHandlers(handle, names, JobLimiter(jobs_per_user))
    explain, hub, history = ExplainHandlers(handle), HubHandlers(handle), HistoryHandlers(handle, paint)
    regions = RegionHandlers(handle, mixable)
    other_gans = GanHandlers(handle, paint.limiter, gans)
    with gr.Blocks(title="stylegan_app: paint your photo, teach it your taste", delete_cache=CACHE_SWEEP) as demo:
        st = gr.State(TabState())
        gr.Markdown("# Paint your photo, teach it your taste\n" + HOW_TO)
        with gr.Tab("Paint"), gr.Row():
            with gr.Column(scale=1, min_width=320):
                photo = path_only(
                    gr.Image(label="1 · Your photo", type="filepath", elem_id="content-image", sources=["upload"], height=250)
                )

                gr.Examples(EXAMPLE_PHOTOS, inputs=photo, label="Example photos", cache_examples=False)
                preset = gr.Dropdown(names, value=names[0] if names else None, label="2 · Painting", elem_id="style-preset")
                thumbs = gr.Gallery(
                    list(zip(paintings, names, strict=True)), label="Click a painting to choose it", columns=3, height=220,
                    allow_preview=False, elem_id="preset-gallery",
                )  # fmt: skip
                own = path_only(gr.Image(label="…or your own painting (used instead)", type="filepath", elem_id="style-image", height=160))
                mix_inputs = []
                if len(mixable) >= 2:  # only presets that are codes of one multi-style network can be mixed
                    with gr.Row():
                        mix_with = gr.Dropdown([NO_MIX, *mixable], value=NO_MIX, label="Mix with", elem_id="mix-with")
                        mix_share = gr.Slider(0.0, 1.0, value=0.3, step=0.05, label="Its share of the mix", elem_id="mix-share")
                    mix_inputs = [mix_with, mix_share]
                # Regions need presets that are codes of one multi-style network, as mixes do.
                with gr.Accordion("Regions: a different painting for part of your photo", open=False, elem_id="regions",
                                  visible=bool(mixable)):  # fmt: skip
                    region_editor = gr.ImageEditor(
                        label="Paint a region over your photo with the brush", type="filepath", elem_id="region-editor",
                        sources=(), transforms=(), layers=False, height=260,
                        brush=gr.Brush(colors=["#ff00cc"], color_mode="fixed", default_size=40),
                    )  # fmt: skip
                    with gr.Row():
                        suggest_btn = gr.Button("…or suggest regions", elem_id="region-suggest-btn")
                        region_preset = gr.Dropdown(mixable, value=mixable[0] if mixable else None, label="Its painting",
                                                    elem_id="region-preset")  # fmt: skip
                    suggestions = gr.Gallery(label="Suggested regions: click one, then Add", elem_id="region-suggestions", visible=False,
                                             columns=4, height=150, allow_preview=False)  # fmt: skip
                    with gr.Row():
                        add_region_btn = gr.Button("Add this region", elem_id="region-add-btn")
                        clear_regions_btn = gr.Button("Clear regions", elem_id="region-clear-btn")
                    region_preview = gr.Image(label="Your regions (used at the next Generate)", type="pil", interactive=False,
                                              elem_id="region-preview", height=200)  # fmt: skip
                    region_text = gr.Markdown(NO_REGIONS, elem_id="region-list")
                with gr.Accordion("Options", open=False):
                    n = gr.Slider(1, limits.max_candidates, value=8, step=1, label="Number of candidates", elem_id="n-candidates")
                    size = gr.Slider(limits.min_size, limits.max_size, value=512, step=64, label="Output size (long side, px)",
                                     elem_id="output-size")  # fmt: skip
                    strength = gr.Slider(0.0, 1.0, value=1.0, step=0.05, label="Style strength (0 = photo)", elem_id="style-strength")
                    keep = gr.Checkbox(False, label="Keep my photo's colours", elem_id="keep-colours")
                    seed = gr.Number(-1, label="Seed (-1 = a new batch each time)", precision=0, elem_id="seed")
                generate_btn = gr.Button("Generate", variant="primary", elem_id="generate-btn")
            with gr.Column(scale=2):
                status = gr.Markdown(NO_SESSION_STATUS, elem_id="status")
                gallery = gr.Gallery(label="Candidates: click to pick", elem_id="candidates", **CANDIDATE_GRID)
                with gr.Row():
                    rating = gr.Slider(1, 5, value=1, step=1, label="Rating for your next pick", elem_id="rating")
                    learn_btn = gr.Button("Learn my taste", variant="primary", elem_id="personalize-btn")
                    undo_btn = gr.Button("Undo", elem_id="undo-btn")
                loss_plot = gr.LinePlot(
                    x="step", y="value", color="term", title="Learning your taste: losses", height=220, visible=False, elem_id="loss-plot"
                )
                with gr.Row():
                    download_btn = gr.Button("Full-size download of the last clicked", elem_id="download-btn")
                    export_btn = gr.Button("Export my model", elem_id="export-btn")
                files = gr.File(label="Download", elem_id="download-file", visible=False)
                with gr.Accordion("Share my model on the Hugging Face Hub", open=False):
                    if get_space() is not None:  # OAuth exists only on a Space; locally HF_TOKEN is used
                        gr.LoginButton()
                    with gr.Row():
                        share_name = gr.Textbox(label="Model name (under your own account)", value="my-style", elem_id="share-name")
                        share_btn = gr.Button("Share", elem_id="share-btn")
                    share_result = gr.Markdown(elem_id="share-result")
        gan_tabs(other_gans, limits)
        with gr.Tab("Explain") as explain_tab:
            explain_note = gr.Markdown(NO_SESSION_NOTE, elem_id="explain-note")
            with gr.Row():
                taste_plot = gr.LinePlot(x="round", y="weight", color="painting", title="Your taste, round by round: its paintings",
                                         height=260, x_title="round", y_title="share", elem_id="taste-path")  # fmt: skip
                taste_story = gr.Markdown(elem_id="taste-story")
            with gr.Row():
                layers_plot = gr.BarPlot(x="bar", y="value", color="when", title="Style loss per layer: first vs last step, last round",
                                         height=260, x_title="layer")  # fmt: skip
                rounds_plot = gr.LinePlot(x="step", y="value", color="term", title="Losses over rounds (each step, round after round)",
                                          height=260, x_title="step")  # fmt: skip
            changes_plot = gr.BarPlot(x="layer", y="change", title="Which generator blocks the last round changed (relative)", height=260)
            with gr.Row():
                with gr.Column():
                    gr.Markdown("**Palettes**: the painting's colours, your picks' (the target you pulled toward) and the latest batch's")
                    palettes = gr.Image(show_label=False, type="pil", elem_id="palettes", height=140)
                attention = gr.Image(label="Attention over your photo", type="pil", visible=False)
            with gr.Row():
                point_candidate = gr.Image(label="Click a point on this candidate (the last you clicked on the Paint tab)", type="pil",
                                           interactive=False, visible=False, elem_id="attention-candidate", height=300)  # fmt: skip
                point_attention = gr.Image(label="Where that point looked in your photo", type="pil", interactive=False,
                                           elem_id="attention-point", height=300)  # fmt: skip
        with gr.Tab("Shared models") as shared_tab:
            shared_note = gr.Markdown("Models other people shared from this app.", elem_id="shared-note")
            shared_gallery = gr.Gallery(label="Click one to choose it", elem_id="shared-models", **{**CANDIDATE_GRID, "columns": 2})
            with gr.Row():
                shared_id = gr.Textbox(label="Model id", placeholder="user/model-name", elem_id="hub-repo")
                shared_rev = gr.Textbox(label="Revision (optional: branch, tag or commit)", elem_id="hub-revision")
                use_shared_btn = gr.Button("Paint with this model", elem_id="use-shared-btn")
            shared_choice = gr.Markdown()
        with gr.Tab("History") as history_tab:
            with gr.Row():
                round_choice = gr.Dropdown([], label="Round", elem_id="history-round")
                history_text = gr.Markdown("No session yet.")
            history_gallery = gr.Gallery(label="Candidates of that round (click one)", elem_id="history-candidates", **CANDIDATE_GRID)
            with gr.Row():
                rerender_btn = gr.Button("Paint the clicked one with my current model", elem_id="rerender-btn")
                undo_to_btn = gr.Button("Go back to this round", elem_id="undo-to-btn")
            rerendered = gr.Image(label="Painted by the current model", type="pil")

        paint_outputs = [gallery, status, st]
        photo.change(regions.on_photo, [st, photo], [region_editor, region_preview, suggestions, region_text, st])
        suggest_btn.click(refusing(regions.on_suggest, 2), [st, photo], [suggestions, st])
        suggestions.select(refusing(regions.on_choose_suggestion, 1), [st], st)
        add_region_btn.click(refusing(regions.on_add, 4), [st, photo, region_editor, region_preset],
                             [region_editor, region_preview, region_text, st])  # fmt: skip
        clear_regions_btn.click(regions.on_clear, [st], [region_preview, region_text, st])
        preset.input(paint.forget_shared, [st], [own, st])
        thumbs.select(paint.choose_preset, [st], [preset, own, st])
        share_btn.click(refusing(hub.on_share, 1), [st, share_name], share_result)
        shared_tab.select(hub.on_browse, None, [shared_gallery, shared_note])
        shared_gallery.select(hub.on_browse_select, None, shared_id)
        use_shared_btn.click(refusing(hub.on_use_shared, 2), [st, shared_id, shared_rev], [st, shared_choice])
        generate_inputs = [st, photo, preset, own, n, size, strength, keep, seed, *mix_inputs]
        generate_btn.click(refusing(paint.on_generate, 3), generate_inputs, paint_outputs, concurrency_id=GPU_GROUP, concurrency_limit=1)
        gallery.select(refusing(paint.on_select, 3), [st, rating], paint_outputs)
        # The round's progress covers the batch it will replace, so the loss plot below stays in sight while it grows.
        learn_btn.click(refusing(paint.on_learn, 4), [st], [gallery, status, loss_plot, st], concurrency_id=GPU_GROUP,
                        show_progress_on=[gallery])  # fmt: skip
        undo_btn.click(refusing(paint.on_undo, 3), [st], paint_outputs)
        download_btn.click(refusing(paint.on_download, 1), [st], files)
        export_btn.click(refusing(paint.on_export, 1), [st], files)
        explain_outputs = [
            layers_plot,
            rounds_plot,
            changes_plot,
            palettes,
            attention,
            explain_note,
            taste_plot,
            taste_story,
            point_candidate,
        ]
        explain_tab.select(refusing(explain.on_explain, 9), [st], explain_outputs)
        point_candidate.select(refusing(explain.on_point, 1), [st], point_attention)
        history_tab.select(refusing(history.on_history, 4), [st, round_choice], [round_choice, history_gallery, history_text, st])
        round_choice.input(refusing(history.on_history, 4), [st, round_choice], [round_choice, history_gallery, history_text, st])
        history_gallery.select(history.on_history_select, [st], st)
        rerender_btn.click(refusing(history.on_rerender, 1), [st], rerendered, concurrency_id=GPU_GROUP)
        undo_to_btn.click(refusing(history.on_undo_to, 3), [st, round_choice], paint_outputs)
    return demo
