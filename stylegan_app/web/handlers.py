"""The UI's event handlers: per-tab state (ids only), refusals shown as warnings, and one method per event.

Per browser tab, gr.State holds a TabState: ids only (session id, shown candidate ids, the last clicked one); it lives
on the server, so one browser never sees another's session. A ValueError, from the service or from the checks here,
becomes a warning toast (`refusing`) and leaves the page as it was: a gr.Error would replace the candidates with an
error badge.
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
from typing import TYPE_CHECKING

import gradio as gr
import pandas as pd
from PIL import Image

from stylegan_app.app.views import Candidate
from stylegan_app.config import REPO_DIR, STYLES_DIR
from stylegan_app.engine.output_controls import mark_picked
from stylegan_app.engine.presets import list_presets

from .request_limits import JobLimiter
from .zerogpu import generate_seconds, gpu, train_seconds

if TYPE_CHECKING:
    from stylegan_app.app.service import StyleService  # imports torch: only for type hints here

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


class Handlers:
    """What each event does, one method per event; every method is a service call plus display. ValueError = refusal."""

    def __init__(self, service: StyleService | Callable[[], StyleService], styles_dir: Path | None = None, jobs_per_user: int = 1) -> None:
        """service: the service, or a function that builds it; then it is built in the background (it imports torch,
        a few seconds) while the page is already served, and the first event that needs it waits for it."""
        self._service: StyleService | None = None
        self._ready = threading.Event()
        if hasattr(service, "presets"):
            self._service = service
            self._ready.set()
            styles_dir = styles_dir or service.settings.styles_dir
        else:
            threading.Thread(target=self._build, args=(service,), daemon=True, name="build-service").start()
        presets = list_presets(styles_dir or STYLES_DIR)
        self.presets = [p.name for p in presets]
        self.paintings = [str(p.style_path) for p in presets]
        self.limiter = JobLimiter(jobs_per_user)
        # On a ZeroGPU Space these run under spaces.GPU for as long as their work needs; elsewhere unchanged.
        self.on_generate = gpu(self.generate_seconds)(self.on_generate)
        self.on_learn = gpu(self.learn_seconds)(self.on_learn)
        self.on_rerender = gpu(lambda *args, **kwargs: generate_seconds(1, 512))(self.on_rerender)

    def _build(self, factory: Callable[[], StyleService]) -> None:
        try:
            self._service = factory()
        except Exception as exc:  # shown by the first event that needs the service
            self._error = exc
        finally:
            self._ready.set()

    @property
    def service(self) -> StyleService:
        """The service, once built."""
        self._ready.wait()
        if self._service is None:
            raise RuntimeError(f"The app could not start its service: {getattr(self, '_error', 'unknown error')}")
        return self._service

    def generate_seconds(self, st: TabState, photo, preset, own, n, size, *rest, **kwargs) -> int:
        """GPU seconds for on_generate: the candidates, plus an adaptation when a new style image comes with them."""
        adapting = train_seconds(self.service.adapt_cfg.steps) if own is not None else 0
        return generate_seconds(int(n or 8), int(size or 512)) + adapting

    def learn_seconds(self, st: TabState, *rest, **kwargs) -> int:
        """GPU seconds for on_learn: the round, then the next batch."""
        return train_seconds(self.service.personalize_cfg.steps) + generate_seconds(st.settings["n"], st.settings["size"])

    def user_key(self, request: gr.Request | None) -> str:
        return (request.username or request.session_hash or "local") if request is not None else "local"

    def gallery_items(self, cands: list[Candidate], ratings: dict[str, int]) -> list[tuple[Image.Image, str]]:
        items = []
        for c in cands:
            picked = c.id in ratings
            caption = f"#{c.position + 1}" + (" · picked" if picked else "")
            items.append((mark_picked(c.image, ratings[c.id]) if picked else c.image, caption))
        return items

    def status_text(self, st: TabState) -> str:
        if st.session is None:
            return "Round 1 · 0 picked · upload a photo, choose a style and press Generate."
        round_, picked = self.service.session_round(st.session) + 1, len(self.service.picks(st.session))  # people count from 1
        hint = "click the candidates you like" if not picked else "press Learn my taste, or pick more"
        return f"Round {round_} · {picked} picked · {hint}"

    def current_view(self, st: TabState):
        cands, ratings = self.service.latest_batch(st.session)
        st.shown = [c.id for c in cands]
        return self.gallery_items(cands, ratings)

    def read_upload(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError:
            raise ValueError("The upload could not be read: please upload the file again.") from None

    def style_key(self, photo: bytes, source: bytes | str) -> str:
        return hashlib.sha256(photo + b"\0" + (source if isinstance(source, bytes) else source.encode())).hexdigest()

    def check_controls(self, n, size, strength, seed) -> dict:
        """The server's own limits: the browser's sliders can be bypassed."""
        try:
            n, size, strength, seed = int(n), int(size), float(strength), int(seed)
        except (TypeError, ValueError):
            raise ValueError("The options must be numbers.") from None
        if not 1 <= n <= MAX_N:
            raise ValueError(f"Choose between 1 and {MAX_N} candidates.")
        if not MIN_SIDE <= size <= MAX_SIDE:
            raise ValueError(f"The output size must be between {MIN_SIDE} and {MAX_SIDE} pixels.")
        return {"n": n, "size": size, "strength": strength, "seed": None if seed < 0 else seed}

    def on_generate(self, st, photo, preset, own, n, size, strength, keep, seed, request: gr.Request, progress=gr.Progress()):
        if photo is None:
            raise ValueError("Please upload a photo first (or click one of the examples).")
        if own is None and st.shared is None and preset not in self.presets:
            raise ValueError("Please choose a painting from the list, or upload your own style image.")
        controls = self.check_controls(n, size, strength, seed)
        st = replace(st)
        with self.limiter.slot(self.user_key(request)):
            photo_bytes, own_bytes = self.read_upload(photo), self.read_upload(own) if own is not None else None
            source = own_bytes if own_bytes is not None else f"hub:{st.shared[0]}@{st.shared[1]}" if st.shared else preset
            key = self.style_key(photo_bytes, source)
            if st.session is None or st.key != key:
                if own_bytes is None and st.shared is not None:
                    progress(0.1, desc=f"fetching and checking {st.shared[0]}")
                    st.session = self.service.start_session_from_hub(photo_bytes, *st.shared)
                else:
                    style = own_bytes if own_bytes is not None else preset
                    st.session = self.service.start_session(photo_bytes, style, progress=lambda f, m: progress(f, desc=m))
                st.key = key
            st.settings = {"n": controls["n"], "size": controls["size"], "strength": controls["strength"], "keep_colours": bool(keep)}
            progress(0.9, desc="painting the candidates")
            self.service.generate(st.session, n=controls["n"], seed=controls["seed"], size=controls["size"],
                             strength=controls["strength"], keep_colours=bool(keep))  # fmt: skip
            st.selected = None
            return self.current_view(st), self.status_text(st), st

    def on_select(self, st, rating, evt: gr.SelectData):
        if st.session is None or not 0 <= evt.index < len(st.shown):
            raise ValueError("Generate candidates first, then click the ones you like.")
        st = replace(st)
        cid = st.shown[evt.index]
        if cid in self.service.picks(st.session):
            self.service.unpick(st.session, [cid])
        else:
            self.service.pick(st.session, [cid], {cid: int(rating)})
        st.selected = cid
        return self.current_view(st), self.status_text(st), st

    def on_learn(self, st, request: gr.Request, progress=gr.Progress()):
        if st.session is None:
            raise ValueError("Generate candidates and pick some before learning your taste.")
        st = replace(st)
        steps: list[dict] = []
        latest = {"fraction": 0.0, "message": "reading your picks"}
        outcome: dict = {}

        def work() -> None:
            try:
                outcome["report"] = self.service.personalize(
                    st.session, progress=lambda f, m: latest.update(fraction=f, message=m), on_step=steps.append
                )
            except Exception as exc:  # shown to the user below; the thread must not die silently
                outcome["error"] = exc

        with self.limiter.slot(self.user_key(request)):
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
            self.service.generate(st.session, n=s["n"], size=s["size"], strength=s["strength"], keep_colours=s["keep_colours"])
            yield self.current_view(st), self.status_text(st), gr.update(value=step_plot(steps), visible=True), st

    def on_undo(self, st):
        if st.session is None:
            raise ValueError("Nothing to undo yet.")
        st = replace(st)
        self.service.undo(st.session)
        return self.current_view(st), self.status_text(st), st

    def on_download(self, st):
        if st.session is None or st.selected is None:
            raise ValueError("Click a candidate first; its full-size version is then prepared for download.")
        image = self.service.render(st.session, st.selected)
        path = Path(tempfile.mkdtemp(prefix="stylegan_app_")) / f"painting_{st.selected[:8]}.png"
        image.save(path)
        return gr.update(value=str(path), visible=True)

    def on_export(self, st):
        if st.session is None:
            raise ValueError("Start a session (Generate) before exporting a model.")
        folder = Path(tempfile.mkdtemp(prefix="stylegan_app_export_"))
        self.service.export(st.session, folder / "model")
        return gr.update(value=shutil.make_archive(str(folder / "my_style_model"), "zip", folder / "model"), visible=True)

    def on_explain(self, st):
        if st.session is None:
            return (None,) * 4 + (gr.update(visible=False), "Generate and learn a round first: this tab then shows what changed.")
        ex = self.service.explain(st.session)
        note = f"Round {ex.round + 1}" + (
            " (nothing learned yet: press *Learn my taste* on the Paint tab)." if ex.round == 0 else f", after {ex.round} round(s)."
        )
        note += " This model has no self-attention layer, so there is no attention map." if ex.attention is None else ""
        frame = lambda rows: pd.DataFrame(rows) if rows else None  # noqa: E731
        bars = [{**row, "bar": f"{row['layer']} {row['when'].split()[0]}"} for row in ex.style_layers]  # side by side, not stacked
        attention_view = gr.update(value=ex.attention, visible=ex.attention is not None)
        return frame(bars), frame(ex.losses_over_rounds), frame(ex.layer_changes), ex.palettes, attention_view, note

    def on_share(self, st, name, profile: gr.OAuthProfile | None, oauth_token: gr.OAuthToken | None):
        if st.session is None:
            raise ValueError("Generate (and learn a round or two) before sharing your model.")
        # On a Space the signed-in user's OAuth token; locally a token from the environment. Never stored or logged.
        token = oauth_token.token if oauth_token is not None else os.environ.get("HF_TOKEN")
        repo_id, commit = self.service.push(st.session, name, token, user=profile.username if profile is not None else None)
        return f"Shared as [{repo_id}](https://huggingface.co/{repo_id}) (commit `{commit[:10]}`). Anyone can load it by that id."

    def on_browse(self):
        try:
            models = self.service.shared_models()
        except ValueError as exc:
            return [], str(exc)
        if not models:
            return [], "No shared models of this app on the Hub yet."
        items = [(m.samples_url, f"{m.repo_id} · {m.likes} likes") for m in models]
        return items, f"{len(models)} shared models; click one, or type an id below."

    def on_browse_select(self, evt: gr.SelectData):
        return str(evt.value["caption"]).split(" · ")[0] if isinstance(evt.value, dict) and evt.value.get("caption") else gr.skip()

    def on_use_shared(self, st, repo_id, revision):
        repo_id, revision = (repo_id or "").strip(), (revision or "").strip() or None
        if repo_id.count("/") != 1:
            raise ValueError("Type a model id like user/model-name.")
        st = replace(st)
        st.shared = (repo_id, revision)
        return st, f"Next *Generate* on the Paint tab paints with **{repo_id}** ({revision or 'main'}), fetched and checked first."

    def on_history(self, st, choice):
        if st.session is None:
            return gr.update(choices=[], value=None), [], "No session yet.", st
        st = replace(st)
        views = self.service.history(st.session)
        labels = [f"Round {v.round + 1}" + (" (current)" if v.current else " (undone)" if v.undone else "") for v in views]
        index = labels.index(choice) if choice in labels else next(i for i, v in enumerate(views) if v.current)
        view = views[index]
        st.history_shown = [c.id for c in view.candidates]
        st.history_selected = None
        text = f"{labels[index]}: {len(view.candidates)} candidates, {len(view.ratings)} picked" + (
            f", learned from the round before in {view.seconds:.1f} s" if view.round > 0 else ""
        )
        return gr.update(choices=labels, value=labels[index]), self.gallery_items(view.candidates, view.ratings), text, st

    def choose_preset(self, st, evt: gr.SelectData):
        return self.presets[evt.index], *self.forget_shared(st)

    def forget_shared(self, st):
        """Choosing a painting replaces an uploaded style image and a chosen shared model."""
        return None, replace(st, shared=None)

    def on_history_select(self, st, evt: gr.SelectData):
        st = replace(st)
        if 0 <= evt.index < len(st.history_shown):
            st.history_selected = st.history_shown[evt.index]
        return st

    def on_rerender(self, st):
        if st.session is None or st.history_selected is None:
            raise ValueError("Click a candidate in the history first.")
        return self.service.render(st.session, st.history_selected, size=512, current_model=True)

    def on_undo_to(self, st, choice):
        chosen = re.match(r"Round (\d+)", choice or "")  # labels read "Round N ...", N counted from 1
        if st.session is None or chosen is None:
            raise ValueError("Choose a round first.")
        st = replace(st)
        self.service.undo_to(st.session, int(chosen.group(1)) - 1)
        return self.current_view(st), self.status_text(st), st


def step_plot(steps: list[dict]) -> pd.DataFrame | None:
    """Long-format rows (step, term, value) of a round's losses so far, for the live plot."""
    terms = ("total", "content", "style")
    rows = [{"step": int(s["step"]), "term": t, "value": s[t]} for s in steps for t in terms if t in s]
    return pd.DataFrame(rows) if rows else None
