"""events.py: refusals leave the page as it was, uploads reach the safe decoder as paths or bytes, jobs are keyed by user."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import pytest  # noqa: E402

from stylegan_app.web.events import path_only, read_upload, refusing, user_key  # noqa: E402


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


def test_read_upload_returns_the_files_bytes(tmp_path):
    upload = tmp_path / "photo.jpg"
    upload.write_bytes(b"\xff\xd8 some bytes")
    assert read_upload(str(upload)) == b"\xff\xd8 some bytes"


def test_read_upload_of_a_vanished_file_asks_for_the_upload_again(tmp_path):
    with pytest.raises(ValueError, match="upload the file again"):
        read_upload(str(tmp_path / "gone.png"))


@pytest.mark.parametrize(
    ("request_", "key"),
    [
        (None, "local"),
        (gr.Request(username="ann", session_hash="tab-1"), "ann"),
        (gr.Request(session_hash="tab-1"), "tab-1"),
        (gr.Request(), "local"),
    ],
)
def test_user_key_is_the_signed_in_name_else_the_browser_session_else_local(request_, key):
    assert user_key(request_) == key
