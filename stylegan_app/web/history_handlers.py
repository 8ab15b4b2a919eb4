"""The History tab's events: every round with its candidates, repaint one with the current model, go back to a round."""

from __future__ import annotations

import re
from dataclasses import replace

import gradio as gr

from .paint_handlers import PaintHandlers, gallery_items
from .service_handle import ServiceHandle
from .zerogpu import generate_seconds, gpu

RERENDER_SIZE = 512


class HistoryHandlers:
    """Show a round, select one of its candidates, repaint it, go back to it."""

    def __init__(self, service: ServiceHandle, paint: PaintHandlers) -> None:
        self.service, self.paint = service, paint
        self.on_rerender = gpu(lambda *args, **kwargs: generate_seconds(1, RERENDER_SIZE))(self.on_rerender)

    def on_history(self, st, choice):
        if st.session is None:
            return gr.update(choices=[], value=None), [], "No session yet.", st
        views = self.service.get().history(st.session)
        labels = [f"Round {v.round + 1}" + (" (current)" if v.current else " (undone)" if v.undone else "") for v in views]
        index = labels.index(choice) if choice in labels else next(i for i, v in enumerate(views) if v.current)
        view = views[index]
        st = replace(st, history_shown=[c.id for c in view.candidates], history_selected=None)
        text = f"{labels[index]}: {len(view.candidates)} candidates, {len(view.ratings)} picked" + (
            f", learned from the round before in {view.seconds:.1f} s" if view.round > 0 else ""
        )
        return gr.update(choices=labels, value=labels[index]), gallery_items(view.candidates, view.ratings), text, st

    def on_history_select(self, st, evt: gr.SelectData):
        if 0 <= evt.index < len(st.history_shown):
            return replace(st, history_selected=st.history_shown[evt.index])
        return st

    def on_rerender(self, st):
        if st.session is None or st.history_selected is None:
            raise ValueError("Click a candidate in the history first.")
        return self.service.get().render(st.session, st.history_selected, size=RERENDER_SIZE, current_model=True)

    def on_undo_to(self, st, choice):
        chosen = re.match(r"Round (\d+)", choice or "")  # labels read "Round N ...", N counted from 1
        if st.session is None or chosen is None:
            raise ValueError("Choose a round first.")
        service = self.service.get()
        service.undo_to(st.session, int(chosen.group(1)) - 1)
        return self.paint.show(replace(st), service.batch(st.session))
