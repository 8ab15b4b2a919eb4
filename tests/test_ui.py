"""The app builds with the element ids browser tests rely on; refusals leave the page as it was."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import pytest  # noqa: E402

from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.service import StyleService  # noqa: E402
from stylegan_app.ui import path_only, refusing, step_plot  # noqa: E402

CONTRACT_IDS = {"content-image", "style-preset", "style-image", "generate-btn", "candidates", "personalize-btn", "undo-btn",
                "export-btn", "status"}  # fmt: skip


@pytest.fixture
def demo(tiny_styles_dir, data_dir):
    return build(tiny_styles_dir, data_dir)


def build(styles_dir, data_dir):
    from stylegan_app.ui import build_demo

    return build_demo(StyleService(Settings(data_dir=data_dir, styles_dir=styles_dir, device="cpu")))


def test_demo_has_the_contract_ids(demo):
    ids = {c.get("props", {}).get("elem_id") for c in demo.config["components"]}
    assert ids >= CONTRACT_IDS


def test_demo_has_paint_explain_and_history_tabs(demo):
    labels = {c["props"].get("label") for c in demo.config["components"] if c.get("type") == "tabitem"}
    assert {"Paint", "Explain", "History"} <= labels


def test_model_events_share_one_concurrency_group(demo):
    groups = {fn.name: fn.concurrency_id for fn in demo.fns.values()}
    assert groups["on_generate"] == groups["on_learn"] == groups["on_rerender"] == "gpu"
    assert groups["on_select"] != "gpu"  # picking is never stuck behind a running round


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
