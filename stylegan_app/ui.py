"""build_demo(service): layout and event wiring only; every handler calls the service.

Per browser tab, gr.State holds ids only (session id, shown candidate ids, the last clicked one); it lives
on the server, so one browser never sees another's session. A ValueError, from the service or from
the checks here, becomes a warning toast at this edge (`refusing`) and leaves the page as it was: a gr.Error would
replace the candidates with an error badge.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import gradio as gr
import pandas as pd
from gradio.utils import get_space
from PIL import Image

from .config import REPO_DIR
from .finish import mark_picked
from .limits import JobLimiter
from .service import Candidate, StyleService
from .space import generate_seconds, gpu, train_seconds

EXAMPLE_PHOTOS = sorted(str(p) for p in (REPO_DIR / "examples" / "photos").glob("*.jpg"))
MAX_N, MIN_SIDE, MAX_SIDE = 16, 128, 1024
CANDIDATE_GRID = {"columns": 4, "height": "auto", "allow_preview": False, "object_fit": "contain"}  # whole images: the mark is at the edge
GPU_GROUP = "gpu"  # generate, learn and new styles share one queue slot: one model job at a time
HOW_TO = (
    "**1.** Upload a photo (or click an example). **2.** Choose a painting, or upload your own. "
    "**3.** *Generate*: 8 takes on your photo. **4.** Click the ones you like (click again to unpick). "
    "**5.** *Learn my taste*: the next batch moves toward your picks. Repeat; *Undo* goes back a round."
)


def path_only(image: gr.Image) -> gr.Image:
    """Hand the handler the uploaded file's path without opening it.

    gr.Image decodes uploads itself and a damaged file then fails with a bare "Error"; this way the file
    reaches the service's safe decoder, which says what is wrong. (A subclass would make Gradio write a .pyi.)
    """
    image.preprocess = lambda payload: None if payload is None else payload.path
    return image


@dataclass
class TabState:
    """What one browser tab is looking at: ids only."""

    session: str | None = None
    key: str | None = None  # photo + style the session was started with
    shown: list[str] = field(default_factory=list)  # candidate ids in gallery order
    selected: str | None = None  # last clicked candidate
    history_shown: list[str] = field(default_factory=list)
    history_selected: str | None = None
    settings: dict = field(default_factory=lambda: {"n": 8, "size": 512, "strength": 1.0, "keep_colours": False})
    shared: tuple[str, str | None] | None = None  # (repo id, revision) of a shared model chosen on the Shared tab


def refusing(handler: Callable, n_outputs: int) -> Callable:
    """handler, with a ValueError shown as a warning toast and every output left unchanged."""

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


def build_demo(service: StyleService, jobs_per_user: int = 1) -> gr.Blocks:
    """The whole app: Paint, Explain and History tabs."""
    presets = service.presets()
    limiter = JobLimiter(jobs_per_user)

    def user_key(request: gr.Request | None) -> str:
        return (request.username or request.session_hash or "local") if request is not None else "local"

    def gallery_items(cands: list[Candidate], ratings: dict[str, int]) -> list[tuple[Image.Image, str]]:
        items = []
        for c in cands:
            picked = c.id in ratings
            caption = f"#{c.position + 1}" + (" · picked" if picked else "")
            items.append((mark_picked(c.image, ratings[c.id]) if picked else c.image, caption))
        return items

    def status_text(st: TabState) -> str:
        if st.session is None:
            return "Round 1 · 0 picked · upload a photo, choose a style and press Generate."
        round_, picked = service.session_round(st.session) + 1, len(service.picks(st.session))  # people count from 1
        hint = "click the candidates you like" if not picked else "press Learn my taste, or pick more"
        return f"Round {round_} · {picked} picked · {hint}"

    def current_view(st: TabState):
        cands, ratings = service.latest_batch(st.session)
        st.shown = [c.id for c in cands]
        return gallery_items(cands, ratings)

    def read_upload(path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError:
            raise ValueError("The upload could not be read: please upload the file again.") from None

    def style_key(photo: bytes, source: bytes | str) -> str:
        return hashlib.sha256(photo + b"\0" + (source if isinstance(source, bytes) else source.encode())).hexdigest()

    def check_controls(n, size, strength, seed) -> dict:
        """The server's own limits: the browser's sliders can be bypassed."""
        try:
            n, size, strength, seed = int(n), int(size), float(strength), int(seed)
        except (TypeError, ValueError):
            raise ValueError("The options must be numbers.") from None
        if not 1 <= n <= MAX_N:
            raise ValueError(f"Choose between 1 and {MAX_N} candidates.")
        if not MIN_SIDE <= size <= MAX_SIDE:
            raise ValueError(f"The output size must be between {MIN_SIDE} and {MAX_SIDE} pixels.")
        if not 0.0 <= strength <= 1.0:
            raise ValueError("Style strength must be between 0 and 1.")
        return {"n": n, "size": size, "strength": strength, "seed": None if seed < 0 else seed}

    @gpu(lambda st, photo, preset, own, n, size, *rest, **kw: generate_seconds(int(n or 8), int(size or 512)) + 60 * (own is not None))
    def on_generate(st, photo, preset, own, n, size, strength, keep, seed, request: gr.Request, progress=gr.Progress()):
        if photo is None:
            raise ValueError("Please upload a photo first (or click one of the examples).")
        if own is None and st.shared is None and preset not in presets:
            raise ValueError("Please choose a painting from the list, or upload your own style image.")
        controls = check_controls(n, size, strength, seed)
        st = replace(st)
        with limiter.slot(user_key(request)):
            photo_bytes, own_bytes = read_upload(photo), read_upload(own) if own is not None else None
            source = own_bytes if own_bytes is not None else f"hub:{st.shared[0]}@{st.shared[1]}" if st.shared else preset
            key = style_key(photo_bytes, source)
            if st.session is None or st.key != key:
                if own_bytes is None and st.shared is not None:
                    progress(0.1, desc=f"fetching and checking {st.shared[0]}")
                    st.session = service.start_session_from_hub(photo_bytes, *st.shared)
                else:
                    style = own_bytes if own_bytes is not None else preset
                    st.session = service.start_session(photo_bytes, style, progress=lambda f, m: progress(f, desc=m))
                st.key = key
            st.settings = {"n": controls["n"], "size": controls["size"], "strength": controls["strength"], "keep_colours": bool(keep)}
            progress(0.9, desc="painting the candidates")
            service.generate(st.session, n=controls["n"], seed=controls["seed"], size=controls["size"],
                             strength=controls["strength"], keep_colours=bool(keep))  # fmt: skip
            st.selected = None
            return current_view(st), status_text(st), st

    def on_select(st, rating, evt: gr.SelectData):
        if st.session is None or not 0 <= evt.index < len(st.shown):
            raise ValueError("Generate candidates first, then click the ones you like.")
        st = replace(st)
        cid = st.shown[evt.index]
        if cid in service.picks(st.session):
            service.unpick(st.session, [cid])
        else:
            service.pick(st.session, [cid], {cid: int(rating)})
        st.selected = cid
        return current_view(st), status_text(st), st

    @gpu(lambda st, *rest, **kw: train_seconds(service.personalize_cfg.steps) + generate_seconds(st.settings["n"], st.settings["size"]))
    def on_learn(st, request: gr.Request, progress=gr.Progress()):
        if st.session is None:
            raise ValueError("Generate candidates and pick some before learning your taste.")
        st = replace(st)
        steps: list[dict] = []
        latest = {"fraction": 0.0, "message": "reading your picks"}
        outcome: dict = {}

        def work() -> None:
            try:
                outcome["report"] = service.personalize(
                    st.session, progress=lambda f, m: latest.update(fraction=f, message=m), on_step=steps.append
                )
            except Exception as exc:  # shown to the user below; the thread must not die silently
                outcome["error"] = exc

        with limiter.slot(user_key(request)):
            thread = threading.Thread(target=work, daemon=True)
            thread.start()
            while thread.is_alive():
                thread.join(0.5)
                progress(latest["fraction"] * 0.9, desc=latest["message"])
                yield gr.skip(), gr.skip(), gr.update(value=step_plot(steps), visible=True), st
            if "error" in outcome:
                raise outcome["error"]
            progress(0.92, desc="painting the next batch")
            s = st.settings
            service.generate(st.session, n=s["n"], size=s["size"], strength=s["strength"], keep_colours=s["keep_colours"])
            yield current_view(st), status_text(st), gr.update(value=step_plot(steps), visible=True), st

    def on_undo(st):
        if st.session is None:
            raise ValueError("Nothing to undo yet.")
        st = replace(st)
        service.undo(st.session)
        return current_view(st), status_text(st), st

    def on_download(st):
        if st.session is None or st.selected is None:
            raise ValueError("Click a candidate first; its full-size version is then prepared for download.")
        image = service.render(st.session, st.selected)
        path = Path(tempfile.mkdtemp(prefix="stylegan_app_")) / f"painting_{st.selected[:8]}.png"
        image.save(path)
        return gr.update(value=str(path), visible=True)

    def on_export(st):
        if st.session is None:
            raise ValueError("Start a session (Generate) before exporting a model.")
        folder = Path(tempfile.mkdtemp(prefix="stylegan_app_export_"))
        service.export(st.session, folder / "model")
        return gr.update(value=shutil.make_archive(str(folder / "my_style_model"), "zip", folder / "model"), visible=True)

    def on_explain(st):
        if st.session is None:
            return (None,) * 4 + (gr.update(visible=False), "Generate and learn a round first: this tab then shows what changed.")
        ex = service.explain(st.session)
        note = f"Round {ex.round + 1}" + (
            " (nothing learned yet: press *Learn my taste* on the Paint tab)." if ex.round == 0 else f", after {ex.round} round(s)."
        )
        note += " This model has no self-attention layer, so there is no attention map." if ex.attention is None else ""
        frame = lambda rows: pd.DataFrame(rows) if rows else None  # noqa: E731
        bars = [{**row, "bar": f"{row['layer']} {row['when'].split()[0]}"} for row in ex.style_layers]  # side by side, not stacked
        attention_view = gr.update(value=ex.attention, visible=ex.attention is not None)
        return frame(bars), frame(ex.losses_over_rounds), frame(ex.layer_changes), ex.palettes, attention_view, note

    def on_share(st, name, profile: gr.OAuthProfile | None, oauth_token: gr.OAuthToken | None):
        if st.session is None:
            raise ValueError("Generate (and learn a round or two) before sharing your model.")
        # On a Space the signed-in user's OAuth token; locally a token from the environment. Never stored or logged.
        token = oauth_token.token if oauth_token is not None else os.environ.get("HF_TOKEN")
        repo_id, commit = service.push(st.session, name, token, user=profile.username if profile is not None else None)
        return f"Shared as [{repo_id}](https://huggingface.co/{repo_id}) (commit `{commit[:10]}`). Anyone can load it by that id."

    def on_browse():
        try:
            models = service.shared_models()
        except ValueError as exc:
            return [], str(exc)
        if not models:
            return [], "No shared models of this app on the Hub yet."
        items = [(m.samples_url, f"{m.repo_id} · {m.likes} likes") for m in models]
        return items, f"{len(models)} shared models; click one, or type an id below."

    def on_browse_select(evt: gr.SelectData):
        return str(evt.value["caption"]).split(" · ")[0] if isinstance(evt.value, dict) and evt.value.get("caption") else gr.skip()

    def on_use_shared(st, repo_id, revision):
        repo_id, revision = (repo_id or "").strip(), (revision or "").strip() or None
        if repo_id.count("/") != 1:
            raise ValueError("Type a model id like user/model-name.")
        st = replace(st)
        st.shared = (repo_id, revision)
        return st, f"Next *Generate* on the Paint tab paints with **{repo_id}** ({revision or 'main'}), fetched and checked first."

    def on_history(st, choice):
        if st.session is None:
            return gr.update(choices=[], value=None), [], "No session yet.", st
        st = replace(st)
        views = service.history(st.session)
        labels = [f"Round {v.round + 1}" + (" (current)" if v.current else " (undone)" if v.undone else "") for v in views]
        index = labels.index(choice) if choice in labels else next(i for i, v in enumerate(views) if v.current)
        view = views[index]
        st.history_shown = [c.id for c in view.candidates]
        st.history_selected = None
        text = f"{labels[index]}: {len(view.candidates)} candidates, {len(view.ratings)} picked" + (
            f", learned from the round before in {view.seconds:.1f} s" if view.round > 0 else ""
        )
        return gr.update(choices=labels, value=labels[index]), gallery_items(view.candidates, view.ratings), text, st

    def choose_preset(st, evt: gr.SelectData):
        return presets[evt.index], *forget_shared(st)

    def forget_shared(st):
        """Choosing a painting replaces an uploaded style image and a chosen shared model."""
        return None, replace(st, shared=None)

    def on_history_select(st, evt: gr.SelectData):
        st = replace(st)
        if 0 <= evt.index < len(st.history_shown):
            st.history_selected = st.history_shown[evt.index]
        return st

    def on_rerender(st):
        if st.session is None or st.history_selected is None:
            raise ValueError("Click a candidate in the history first.")
        return service.render(st.session, st.history_selected, size=512, current_model=True)

    def on_undo_to(st, choice):
        chosen = re.match(r"Round (\d+)", choice or "")  # labels read "Round N ...", N counted from 1
        if st.session is None or chosen is None:
            raise ValueError("Choose a round first.")
        st = replace(st)
        service.undo_to(st.session, int(chosen.group(1)) - 1)
        return current_view(st), status_text(st), st

    with gr.Blocks(title="stylegan_app: paint your photo, teach it your taste") as demo:
        st = gr.State(TabState())
        gr.Markdown("# Paint your photo, teach it your taste\n" + HOW_TO)
        with gr.Tab("Paint"), gr.Row():
            with gr.Column(scale=1, min_width=320):
                photo = path_only(
                    gr.Image(label="1 · Your photo", type="filepath", elem_id="content-image", sources=["upload"], height=250)
                )

                gr.Examples(EXAMPLE_PHOTOS, inputs=photo, label="Example photos", cache_examples=False)
                preset = gr.Dropdown(presets, value=presets[0] if presets else None, label="2 · Painting", elem_id="style-preset")
                thumbs = gr.Gallery(
                    [(service.preset_thumbnail(p), p) for p in presets], label="Click a painting to choose it", columns=3, height=220,
                    allow_preview=False, elem_id="preset-gallery",
                )  # fmt: skip
                own = path_only(gr.Image(label="…or your own painting (used instead)", type="filepath", elem_id="style-image", height=160))
                with gr.Accordion("Options", open=False):
                    n = gr.Slider(1, MAX_N, value=8, step=1, label="Number of candidates", elem_id="n-candidates")
                    size = gr.Slider(MIN_SIDE, MAX_SIDE, value=512, step=64, label="Output size (long side, px)", elem_id="output-size")
                    strength = gr.Slider(0.0, 1.0, value=1.0, step=0.05, label="Style strength (0 = photo)", elem_id="style-strength")
                    keep = gr.Checkbox(False, label="Keep my photo's colours", elem_id="keep-colours")
                    seed = gr.Number(-1, label="Seed (-1 = a new batch each time)", precision=0, elem_id="seed")
                generate_btn = gr.Button("Generate", variant="primary", elem_id="generate-btn")
            with gr.Column(scale=2):
                status = gr.Markdown("Round 1 · 0 picked · upload a photo, choose a style and press Generate.", elem_id="status")
                gallery = gr.Gallery(label="Candidates: click to pick", elem_id="candidates", **CANDIDATE_GRID)
                with gr.Row():
                    rating = gr.Slider(1, 5, value=1, step=1, label="Rating for your next pick", elem_id="rating")
                    learn_btn = gr.Button("Learn my taste", variant="primary", elem_id="personalize-btn")
                    undo_btn = gr.Button("Undo", elem_id="undo-btn")
                loss_plot = gr.LinePlot(x="step", y="value", color="term", title="Learning your taste: losses", height=220, visible=False)
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
        with gr.Tab("Explain") as explain_tab:
            explain_note = gr.Markdown("Generate and learn a round first: this tab then shows what changed.", elem_id="explain-note")
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
        preset.input(forget_shared, [st], [own, st])
        thumbs.select(choose_preset, [st], [preset, own, st])
        share_btn.click(refusing(on_share, 1), [st, share_name], share_result)
        shared_tab.select(on_browse, None, [shared_gallery, shared_note])
        shared_gallery.select(on_browse_select, None, shared_id)
        use_shared_btn.click(refusing(on_use_shared, 2), [st, shared_id, shared_rev], [st, shared_choice])
        generate_btn.click(refusing(on_generate, 3), [st, photo, preset, own, n, size, strength, keep, seed], paint_outputs,
                           concurrency_id=GPU_GROUP, concurrency_limit=1)  # fmt: skip
        gallery.select(refusing(on_select, 3), [st, rating], paint_outputs)
        learn_btn.click(refusing(on_learn, 4), [st], [gallery, status, loss_plot, st], concurrency_id=GPU_GROUP)
        undo_btn.click(refusing(on_undo, 3), [st], paint_outputs)
        download_btn.click(refusing(on_download, 1), [st], files)
        export_btn.click(refusing(on_export, 1), [st], files)
        explain_tab.select(refusing(on_explain, 6), [st], [layers_plot, rounds_plot, changes_plot, palettes, attention, explain_note])
        history_tab.select(refusing(on_history, 4), [st, round_choice], [round_choice, history_gallery, history_text, st])
        round_choice.input(refusing(on_history, 4), [st, round_choice], [round_choice, history_gallery, history_text, st])
        history_gallery.select(on_history_select, [st], st)
        rerender_btn.click(refusing(on_rerender, 1), [st], rerendered, concurrency_id=GPU_GROUP)
        undo_to_btn.click(refusing(on_undo_to, 3), [st, round_choice], paint_outputs)
    return demo


def step_plot(steps: list[dict]) -> pd.DataFrame | None:
    """Long-format rows (step, term, value) of a round's losses so far, for the live plot."""
    terms = ("total", "content", "style")
    rows = [{"step": int(s["step"]), "term": t, "value": s[t]} for s in steps for t in terms if t in s]
    return pd.DataFrame(rows) if rows else None
