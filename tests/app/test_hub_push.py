"""Contract tests for hub.push: the real huggingface_hub client against a local stand-in for the Hub's HTTP API.

This is a contract test. It checks the requests our code makes against the Hub API as huggingface_hub speaks it
(whoami, create-repo, validate-yaml, preupload, commit), not the Hub itself: the stand-in answers only those calls,
the way the library expects them to be answered, and records every request it gets.
"""

import json
import logging
import threading
import traceback

import pytest
import torch
from fake_hub import USER, HubApiStub
from huggingface_hub import constants

from stylegan_app.app.hub import SHARED_FILES, CardInfo, export_folder, push
from stylegan_app.engine.generator import Generator

TOKEN = "hf_contractTestToken0123456789abcdef"


@pytest.fixture
def hub(monkeypatch):
    """A running HubApiStub; offline mode (conftest) is lifted, and the library's default endpoint points at the stub too."""
    server = HubApiStub()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", server.url)  # a call that ignored push's endpoint would land here, recorded
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", server.url + "/{repo_id}/resolve/{revision}/{filename}")  # downloads
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)  # else the user-agent fetches ENDPOINT/api/agent-harnesses
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def exported(model_cfg, make_image, tmp_path):
    """A folder written by export_folder for a tiny seeded generator."""
    torch.manual_seed(0)
    info = CardInfo(style="A test painting", style_licence="CC0-1.0", rounds=1, picks=2, training={"steps": 2})
    return export_folder(Generator.from_config(model_cfg), tmp_path / "export", info, make_image(64, 32, 0), make_image(32, 32, 1))


def test_push_creates_the_repo_under_the_token_owner(hub, exported):
    push(exported, "my-style", TOKEN, endpoint=hub.url)
    [create] = [r for r in hub.requests if r.call == "POST /api/repos/create"]
    request = json.loads(create.body)
    assert (request["organization"], request["name"], request["type"]) == (USER, "my-style", "model")


def test_push_commits_exactly_the_shared_files_byte_for_byte(hub, exported):
    push(exported, "my-style", TOKEN, endpoint=hub.url)
    assert hub.committed_files() == {name: (exported / name).read_bytes() for name in SHARED_FILES}


def test_push_returns_the_repo_id_and_the_servers_commit_oid(hub, exported):
    repo_id, commit = push(exported, "my-style", TOKEN, endpoint=hub.url)
    assert (repo_id, commit) == (f"{USER}/my-style", hub.refs[f"{USER}/my-style"]["main"])


def test_stray_files_in_the_folder_are_never_sent(hub, exported):
    strays = [".model.safetensors.abc.tmp", "notes.txt", "pytorch_model.bin"]
    for name in strays:
        (exported / name).write_bytes(b"not for sharing")
    push(exported, "my-style", TOKEN, endpoint=hub.url)
    assert not [(r.call, name) for r in hub.requests for name in strays if name.encode() in r.body or name in r.path]


def test_token_is_sent_only_as_a_bearer_authorization_header(hub, exported):
    push(exported, "my-style", TOKEN, endpoint=hub.url)
    assert {r.headers.get("authorization") for r in hub.requests} == {f"Bearer {TOKEN}"}
    leaks = [r.call for r in hub.requests if TOKEN in r.path or TOKEN.encode() in r.body]
    leaks += [f"{r.call} {key}" for r in hub.requests for key, value in r.headers.items() if TOKEN in value and key != "authorization"]
    assert not leaks


def test_token_is_in_no_log_record(hub, exported, caplog):
    for name in ["", *logging.root.manager.loggerDict]:  # every logger, huggingface_hub's own included, at DEBUG
        caplog.set_level(logging.DEBUG, logger=name or None)
    push(exported, "my-style", TOKEN, endpoint=hub.url)
    assert caplog.records  # the client did log at DEBUG, so the check below has something to look at
    assert not [record.getMessage() for record in caplog.records if TOKEN in record.getMessage()]


def test_token_is_in_no_error_text_when_the_commit_is_refused(hub, exported):
    hub.refuse.add("commit")
    with pytest.raises(ValueError) as caught:
        push(exported, "my-style", TOKEN, endpoint=hub.url)
    chain, exc = [], caught.value
    while exc is not None:  # the raised error and everything chained to it, shown or not
        chain.append(str(exc))
        exc = exc.__cause__ or exc.__context__
    assert TOKEN not in "".join(traceback.format_exception(caught.value)) + "".join(chain)


@pytest.mark.parametrize(("user", "calls"), [(None, ["GET /api/whoami-v2"]), (USER, [])])
def test_another_users_namespace_is_refused_before_anything_is_created(hub, exported, user, calls):
    with pytest.raises(ValueError, match="your own namespace"):
        push(exported, "someone-else/model", TOKEN, user=user, endpoint=hub.url)
    assert hub.calls() == calls


@pytest.mark.parametrize("name", ["../x", "a/b/c", "", "-bad"])
def test_an_invalid_name_is_refused_before_any_request(hub, exported, name):
    with pytest.raises(ValueError):
        push(exported, name, TOKEN, endpoint=hub.url)
    assert hub.calls() == []


@pytest.mark.parametrize("refused", ["create", "commit"])
def test_a_403_tells_the_user_to_check_their_token(hub, exported, refused):
    hub.refuse.add(refused)
    with pytest.raises(ValueError, match=r"HTTP 403.*check that your token") as caught:
        push(exported, "my-style", TOKEN, endpoint=hub.url)
    assert TOKEN not in str(caught.value)


def test_a_missing_exported_file_is_refused_before_any_request(hub, exported):
    (exported / "samples.jpg").unlink()
    with pytest.raises(ValueError, match="samples.jpg missing"):
        push(exported, "my-style", TOKEN, endpoint=hub.url)
    assert hub.calls() == []
