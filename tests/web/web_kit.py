"""Stand-ins for what Gradio hands the web handlers (a progress bar, a gallery click), shared by the tests in tests/web."""

import gradio as gr


def no_progress(*args, **kwargs) -> None:
    """Stands in for gr.Progress: the handlers call it, nothing is shown."""


def select(index: int, value=None) -> gr.SelectData:
    """A click on item index of a gallery, as Gradio hands it to a handler (value: the item, for the Shared models gallery)."""
    return gr.SelectData(None, {"index": index, "value": value})
