"""The Paint tab's events: generate, pick by clicking, learn a round (live), undo, download and export.

Every method is a service call plus display; a ValueError is a refusal (shown by events.refusing).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
import pandas as pd

from .badge import mark_picked
from .events import read_upload, user_key
from .request_limits import JobLimiter
from .service_handle import ServiceHandle
from .tab_state import TabState
from .zerogpu import generate_seconds, gpu, train_seconds

if TYPE_CHECKING:
    from stylegan_app.app.views import BatchView, Candidate  # only for type hints

NO_MIX = "(no mix)"
NO_SESSION_STATUS = "Round 1 · 0 picked · upload a photo, choose a style and press Generate."
PLOT_TERMS = ("total", "content", "style")


class PaintHandlers:
    """Generate, pick, learn, undo, download and export."""

    def __init__(self, service: ServiceHandle, presets: list[str], limiter: JobLimiter) -> None:
        self.service, self.presets, self.limiter = service, presets, limiter
        # On a ZeroGPU Space these run under spaces.GPU for as long as their work needs; elsewhere unchanged.
        self.on_generate = gpu(self.generate_seconds)(self.on_generate)
        self.on_learn = gpu(self.learn_seconds)(self.on_learn)

    def generate_seconds(self, st: TabState, photo, preset, own, n, size, *rest, **kwargs) -> int:
        """GPU seconds for on_generate: the candidates, plus an adaptation when a new style image comes with them."""
        adapting = train_seconds(self.service.get().adapt_cfg.steps) if own is not None else 0
        return generate_seconds(int(n or 8), int(size or 512)) + adapting

    def learn_seconds(self, st: TabState, *rest, **kwargs) -> int:
        """GPU seconds for on_learn: the round, then the next batch."""
        return train_seconds(self.service.get().personalize_cfg.steps) + generate_seconds(st.settings["n"], st.settings["size"])

    def check_controls(self, n, size, strength, seed) -> dict:
        """The options as numbers; their ranges are checked by the service (the browser's sliders can be bypassed)."""
        try:
            n, size, strength, seed = int(n), int(size), float(strength), int(seed)
        except (TypeError, ValueError):
            raise ValueError("The options must be numbers.") from None
        return {"n": n, "size": size, "strength": strength, "seed": None if seed < 0 else seed}

    def on_generate(self, st, photo, preset, own, n, size, strength, keep, seed, mix_with=None, mix_share=0.0,
                    request: gr.Request = None, progress=gr.Progress()):  # fmt: skip
        """mix_with / mix_share: a second painting and its share (the mix controls exist where presets can be mixed)."""
        if photo is None:
            raise ValueError("Please upload a photo first (or click one of the examples).")
        if own is None and st.shared is None and preset not in self.presets:
            raise ValueError("Please choose a painting from the list, or upload your own style image.")
        controls = self.check_controls(n, size, strength, seed)
        chosen = self.chosen_style(preset, mix_with, mix_share)
        service = self.service.get()
        st = replace(st)
        with self.limiter.slot(user_key(request)):
            photo_bytes, own_bytes = read_upload(photo), read_upload(own) if own is not None else None
            source = own_bytes if own_bytes is not None else f"hub:{st.shared[0]}@{st.shared[1]}" if st.shared else str(chosen)
            key = style_key(photo_bytes, source) + str(st.regions)  # new regions, new session
            if st.session is None or st.key != key:
                if own_bytes is None and st.shared is not None:
                    if st.regions:
                        raise ValueError("A shared model paints one style: clear the regions to paint with it.")
                    progress(0.1, desc=f"fetching and checking {st.shared[0]}")
                    st.session = service.start_session_from_hub(photo_bytes, *st.shared)
                else:
                    style = own_bytes if own_bytes is not None else chosen
                    regions = [(read_upload(mask), preset) for mask, preset in st.regions]
                    st.session = service.start_session(photo_bytes, style, progress=lambda f, m: progress(f, desc=m), regions=regions)
                st.key = key
            st.settings = {"n": controls["n"], "size": controls["size"], "strength": controls["strength"], "keep_colours": bool(keep)}
            progress(0.9, desc="painting the candidates")
            service.generate(st.session, n=controls["n"], seed=controls["seed"], size=controls["size"],
                             strength=controls["strength"], keep_colours=bool(keep))  # fmt: skip
            st.selected = None
            return self.show(st, service.batch(st.session))

    def chosen_style(self, preset: str, mix_with: str | None, share) -> str | dict[str, float]:
        """The preset, or a mix {preset: 1 - share, mix_with: share} when a second painting has a share."""
        if not mix_with or mix_with == NO_MIX:
            return preset
        try:
            share = float(share)
        except (TypeError, ValueError):
            raise ValueError("The mix share must be a number from 0 to 1.") from None
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"The mix share must be from 0 to 1, not {share}.")
        if mix_with not in self.presets:
            raise ValueError("Choose the painting to mix with from the list.")
        if share == 0.0 or mix_with == preset:
            return preset
        return mix_with if share == 1.0 else {preset: 1.0 - share, mix_with: share}

    def on_select(self, st, rating, evt: gr.SelectData):
        """A click on a candidate toggles it as a pick: one service call, which returns the batch as it is now."""
        if st.session is None or not 0 <= evt.index < len(st.shown):
            raise ValueError("Generate candidates first, then click the ones you like.")
        st = replace(st, selected=st.shown[evt.index])
        return self.show(st, self.service.get().toggle_pick(st.session, st.selected, int(rating)))

    def on_learn(self, st, request: gr.Request, progress=gr.Progress()):
        if st.session is None:
            raise ValueError("Generate candidates and pick some before learning your taste.")
        service = self.service.get()
        st = replace(st)
        steps: list[dict] = []
        latest = {"fraction": 0.0, "message": "reading your picks"}
        outcome: dict = {}

        def work() -> None:
            try:
                outcome["report"] = service.personalize(st.session, progress=lambda f, m: latest.update(fraction=f, message=m),
                                                        on_step=steps.append)  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - shown to the user below; the thread must not die silently
                outcome["error"] = exc

        with self.limiter.slot(user_key(request)):
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
            yield *self.show(st, service.batch(st.session))[:2], gr.update(value=step_plot(steps), visible=True), st

    def on_undo(self, st):
        if st.session is None:
            raise ValueError("Nothing to undo yet.")
        service = self.service.get()
        service.undo(st.session)
        return self.show(replace(st), service.batch(st.session))

    def on_download(self, st):
        if st.session is None or st.selected is None:
            raise ValueError("Click a candidate first; its full-size version is then prepared for download.")
        image = self.service.get().render(st.session, st.selected)
        path = Path(tempfile.mkdtemp(prefix="stylegan_app_")) / f"painting_{st.selected[:8]}.png"
        image.save(path)
        return gr.update(value=str(path), visible=True)

    def on_export(self, st):
        if st.session is None:
            raise ValueError("Start a session (Generate) before exporting a model.")
        folder = Path(tempfile.mkdtemp(prefix="stylegan_app_export_"))
        self.service.get().export(st.session, folder / "model")
        return gr.update(value=shutil.make_archive(str(folder / "my_style_model"), "zip", folder / "model"), visible=True)

    def choose_preset(self, st, evt: gr.SelectData):
        """A click on a painting's thumbnail chooses it."""
        return self.presets[evt.index], *self.forget_shared(st)

    def forget_shared(self, st):
        """Choosing a painting replaces an uploaded style image and a chosen shared model."""
        return None, replace(st, shared=None)

    def show(self, st: TabState, view: BatchView) -> tuple[list, str, TabState]:
        """The gallery, the status line and the tab state for a batch view (st is the handler's own copy)."""
        st.shown = [c.id for c in view.candidates]
        return gallery_items(view.candidates, view.ratings), status_text(view), st


def gallery_items(cands: list[Candidate], ratings: dict[str, int]) -> list[tuple]:
    """(image, caption) per candidate; a picked one framed and badged with its rating."""
    items = []
    for c in cands:
        picked = c.id in ratings
        caption = f"#{c.position + 1}" + (" · picked" if picked else "")
        items.append((mark_picked(c.image, ratings[c.id]) if picked else c.image, caption))
    return items


def status_text(view: BatchView) -> str:
    """E.g. "Round 2 · 3 picked · press Learn my taste, or pick more" (people count rounds from 1)."""
    hint = "click the candidates you like" if not view.round_picks else "press Learn my taste, or pick more"
    return f"Round {view.round + 1} · {view.round_picks} picked · {hint}"


def style_key(photo: bytes, source: bytes | str) -> str:
    """What a session was started with: the photo and the style (an upload's bytes, a preset name or a Hub id)."""
    return hashlib.sha256(photo + b"\0" + (source if isinstance(source, bytes) else source.encode())).hexdigest()


def step_plot(steps: list[dict]) -> pd.DataFrame | None:
    """Long-format rows (step, term, value) of a round's losses so far, for the live plot."""
    rows = [{"step": int(s["step"]), "term": t, "value": s[t]} for s in steps for t in PLOT_TERMS if t in s]
    return pd.DataFrame(rows) if rows else None
