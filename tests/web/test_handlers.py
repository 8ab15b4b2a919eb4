"""The UI handlers' building blocks: refusals leave the page as it was, uploads reach the safe decoder, plots get rows."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import pytest  # noqa: E402

from stylegan_app.web.handlers import path_only, refusing, step_plot  # noqa: E402


def test_refusing_turns_a_value_error_into_a_warning_and_skips_every_output(monkeypatch):
    warnings = []
    monkeypatch.setattr(gr, "Warning", warnings.append)

    def handler(x):
        raise ValueError("Pick at least one candidate.")

    out = refusing(handler, 3)("anything")
    assert warnings == ["Pick at least one candidate."]
    assert len(out) == 3 and all(isinstance(o, type(gr.skip())) for o in out)


def test_refusing_passes_results_through_and_wraps_generators(monkeypatch):
    monkeypatch.setattr(gr, "Warning", lambda message: None)
    assert refusing(lambda x: x + 1, 1)(1) == 2

    def stream():
        yield 1
        raise ValueError("stopped")

    items = list(refusing(stream, 1)())
    assert items[0] == 1 and isinstance(items[1], type(gr.skip()))


def test_refusing_lets_other_errors_through():
    def handler():
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        refusing(handler, 1)()


def test_path_only_hands_over_the_path_without_opening_the_file(tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    image = path_only(gr.Image(type="filepath"))
    assert image.preprocess(gr.FileData(path=str(broken))) == str(broken)
    assert image.preprocess(None) is None


def test_step_plot_has_a_row_per_step_and_term():
    frame = step_plot([{"step": 1.0, "total": 2.0, "content": 0.5, "style": 1.5}, {"step": 2.0, "total": 1.0}])
    assert list(frame.columns) == ["step", "term", "value"] and len(frame) == 4
    assert step_plot([]) is None


def test_model_events_run_under_spaces_gpu_with_durations_from_their_work(tiny_styles_dir, data_dir, monkeypatch):
    import sys
    import types

    from stylegan_app.app.service import StyleService
    from stylegan_app.config import Settings
    from stylegan_app.web.handlers import Handlers, TabState

    durations = {}

    def gpu(duration):
        def wrap(fn):
            durations[fn.__name__] = duration
            return fn

        return wrap

    monkeypatch.setitem(sys.modules, "spaces", types.SimpleNamespace(GPU=gpu))
    handlers = Handlers(StyleService(Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, device="cpu")))
    assert set(durations) == {"on_generate", "on_learn", "on_rerender"}
    small = durations["on_generate"](TabState(), "photo.jpg", "alpha", None, 4, 256)
    with_new_style = durations["on_generate"](TabState(), "photo.jpg", "alpha", "style.png", 4, 256)
    assert 0 < small < with_new_style
    assert durations["on_learn"](TabState()) > durations["on_rerender"](TabState())
    assert handlers.presets == ["alpha", "beta"]
