"""Hugging Face Hub side of a model: export (weights + model card), push to the user's own namespace, pull pinned, browse.

Everything goes through huggingface_hub (HfApi, snapshot_download, ModelCard); nothing here speaks HTTP itself.
A token is passed straight to the client and never logged, stored or put into a message.
"""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from huggingface_hub import HfApi, ModelCard, ModelCardData, constants, snapshot_download
from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError, RevisionNotFoundError
from PIL import Image

from stylegan_app.engine.checkpoint import CONFIG_NAME, WEIGHTS_NAME, check_folder, load_generator, save_generator
from stylegan_app.engine.generator import Generator

LIBRARY_NAME = "stylegan_app"
TAGS = ["style-transfer", "image-to-image", "gan", LIBRARY_NAME]
SAMPLES_NAME, STYLE_NAME, CARD_NAME = "samples.jpg", "style.png", "README.md"
SHARED_FILES = [CONFIG_NAME, WEIGHTS_NAME, CARD_NAME, SAMPLES_NAME, STYLE_NAME]  # the only files pushed or pulled
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")
NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$")  # a Hub user or repo name
COMMIT = re.compile(r"^[0-9a-f]{40}$")
REVISION = re.compile(r"[A-Za-z0-9._/-]{1,100}")  # a branch, tag or commit id
PROBE_TIMEOUT_S = 0.8  # how long the Hub's host may take to accept a connection before the app says "offline"
UNREACHABLE = "The Hugging Face Hub is unreachable from here"


def hub_reachable(endpoint: str | None = None, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Whether the Hub's host accepts a TCP connection within timeout; False at once in offline mode.

    Asked before every call that needs the network, because huggingface_hub retries a failed request five times with
    growing waits (24 s with no network, a log line each). The probe runs in a thread so that a name lookup that hangs
    (a resolver has its own, longer timeouts) cannot hold the caller past timeout either.
    """
    if constants.HF_HUB_OFFLINE:
        return False
    url = urlsplit(endpoint or constants.ENDPOINT)
    address = (url.hostname or "", url.port or (443 if url.scheme == "https" else 80))
    answered: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection(address, timeout=timeout):
                answered.append(True)
        except OSError:
            answered.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answered and answered[0])


@dataclass(frozen=True)
class CardInfo:
    """What the model card says about a personalised model and where it came from."""

    style: str  # e.g. "Katsushika Hokusai, The Great Wave off Kanagawa"
    style_licence: str
    rounds: int
    picks: int
    training: dict = field(default_factory=dict)  # the round settings
    base_model: str | None = None  # the Hub repo it was pulled from, if any
    base_preset: str | None = None  # the bundled preset it started from, if any
    lineage: tuple[str, ...] = ()  # oldest first: presets and repo@commit it descends from
    regions: int = 0  # regions of the session's photo painted in other styles (not part of the shared model)


@dataclass(frozen=True)
class PulledModel:
    """A shared model read from the Hub (or its local cache), checked, pinned to a commit."""

    repo_id: str
    commit: str
    folder: Path  # the snapshot folder of that commit
    card: ModelCard | None
    generator: Generator  # its weights, checked and loaded (CPU)

    @property
    def lineage(self) -> tuple[str, ...]:
        """What the shared model descends from (from its card), then the model itself."""
        earlier = tuple(self.card.data.to_dict().get("lineage") or ()) if self.card is not None else ()
        return (*earlier, f"{self.repo_id}@{self.commit}")


@dataclass(frozen=True)
class SharedModel:
    """One model of this library listed on the Hub."""

    repo_id: str
    samples_url: str
    likes: int
    downloads: int


def model_card(info: CardInfo) -> ModelCard:
    """The card: metadata (library, task, tags, licence, base model and how it relates) and how to use the model."""
    extra = {"base_model": info.base_model, "base_model_relation": "finetune"} if info.base_model else {}
    data = ModelCardData(
        library_name=LIBRARY_NAME, pipeline_tag="image-to-image", tags=TAGS, license="mit", lineage=list(info.lineage),
        base_preset=info.base_preset, rounds=info.rounds, picks=info.picks, **extra,
    )  # fmt: skip
    settings = "\n".join(f"| {key} | {value} |" for key, value in sorted(info.training.items()))
    chain = " → ".join(info.lineage) if info.lineage else "(none recorded)"
    regions_note = (
        f"\n\nThe session it comes from painted {info.regions} region(s) of its photo in other paintings; this model paints a"
        " whole photo in the session's own style (the regions belong to that photo, not to the model)."
        if info.regions else ""
    )  # fmt: skip
    body = f"""
# A personalised `{LIBRARY_NAME}` style model

A generator `G(photo, z)` that paints photos in the style of {info.style}, fine-tuned to one person's taste over
{info.rounds} personalisation round(s) from {info.picks} picked candidate(s). Each `z` gives a different take.{regions_note}

![Eight candidates of one photo]({SAMPLES_NAME})

## Lineage

{chain}

## Style image

![The style image]({STYLE_NAME})

{info.style}. Licence of the style image: {info.style_licence}.

## Training settings (each personalisation round)

| setting | value |
|---|---|
{settings}

## Use

Install the `{LIBRARY_NAME}` package (`pip install .` in a clone of its repository, or its wheel); it brings the
command line and the bundled presets. Then, with this model's folder or its Hub id:

```python
from PIL import Image
from {LIBRARY_NAME} import Generator
from {LIBRARY_NAME}.engine.sampling import generate, prepare_content, seeded_z

generator = Generator.from_pretrained("path/or/user/repo")  # config.json + model.safetensors
photo = prepare_content(Image.open("photo.jpg").convert("RGB"), 512, 1024)
paintings = generate(generator, photo, seeded_z(0, 8, generator.z_dim))  # 8 PIL images, one per z
```

or from the command line: `stylegan-app stylize --style path/or/user/repo photo.jpg out/`. In the app, load it by
its repo id and keep personalising it.
"""
    return ModelCard(f"---\n{data.to_yaml()}\n---\n{body}")


def export_folder(generator: Generator, folder: Path, info: CardInfo, samples: Image.Image, style: Image.Image) -> Path:
    """Write the shareable layout: config.json, model.safetensors, README.md, samples.jpg and style.png."""
    folder = Path(folder)
    save_generator(generator, folder)
    samples.convert("RGB").save(folder / SAMPLES_NAME, quality=88)
    style.convert("RGB").save(folder / STYLE_NAME)
    model_card(info).save(folder / CARD_NAME)
    return folder


def check_token(token: str | None) -> None:
    """Refuse a missing token before any work (the token itself is never put into a message)."""
    if not token:
        raise ValueError("Sharing needs a Hugging Face token: sign in, or set HF_TOKEN where the app runs.")


def check_model_name(name: str) -> str:
    """The repo part of name ("model" or "user/model"), if every part is a valid Hub name."""
    parts = name.strip().split("/") if isinstance(name, str) else []
    if not 1 <= len(parts) <= 2 or not all(NAME.fullmatch(part) for part in parts):
        raise ValueError("A model name is 1-96 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.")
    return parts[-1]


def own_repo_id(user: str, name: str) -> str:
    """user/name, refusing anything that would land outside the user's own namespace."""
    if not isinstance(user, str) or not NAME.fullmatch(user):
        raise ValueError("Sign in to the Hugging Face Hub first: the model is shared under your own account.")
    repo = check_model_name(name)
    namespace = name.strip().rpartition("/")[0]
    if namespace and namespace != user:
        raise ValueError(f"You can only share to your own namespace ({user}/...), not to {namespace}/.")
    return f"{user}/{repo}"


def push(folder: Path, name: str, token: str, user: str | None = None, endpoint: str | None = None) -> tuple[str, str]:
    """Create (or reuse) <user>/<name> and upload exactly the shareable files; returns (repo_id, commit).

    user: the signed-in user's name where the app knows it (OAuth), so a foreign namespace is refused before any Hub
    call; otherwise the token's owner, asked from the Hub (whoami) before anything is created or uploaded.
    """
    check_token(token)
    missing = [f for f in SHARED_FILES if not (Path(folder) / f).is_file()]
    if missing:
        raise ValueError(f"Export the model first: {', '.join(missing)} missing.")
    check_model_name(name)  # a malformed name is refused before any Hub call, whoami included
    repo_id = own_repo_id(user, name) if user is not None else None
    if not hub_reachable(endpoint):
        raise ValueError(f"{UNREACHABLE}, so the model cannot be shared now: try again when online.")
    api = HfApi(endpoint=endpoint, token=token)
    try:
        repo_id = repo_id or own_repo_id(api.whoami()["name"], name)
        api.create_repo(repo_id, repo_type="model", exist_ok=True)
        info = api.upload_folder(
            repo_id=repo_id, folder_path=str(folder), allow_patterns=SHARED_FILES, commit_message="Share a personalised style model"
        )
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "no answer"
        raise ValueError(f"The Hub refused the upload (HTTP {status}): check that your token may write to your account.") from None
    return repo_id, info.oid


def pull(repo_id: str, revision: str | None = None, cache_dir: Path | None = None, endpoint: str | None = None) -> PulledModel:
    """Download (or find in the cache) a shared model at a revision, pinned to its commit, and check it before use."""
    if not isinstance(repo_id, str) or repo_id.count("/") != 1 or not all(NAME.fullmatch(part) for part in repo_id.split("/")):
        raise ValueError("A model id looks like user/model-name.")
    # Offline, huggingface_hub reads refs/<revision> as a path: ".." or a leading "/" would read outside the repo's refs.
    if revision is not None and (
        not isinstance(revision, str) or not REVISION.fullmatch(revision) or ".." in revision or revision.startswith("/")
    ):
        raise ValueError("A revision is a branch, tag or commit id.")
    try:  # offline, the local cache answers at once (a revision resolved before, or main)
        folder = Path(
            snapshot_download(repo_id, revision=revision, allow_patterns=[*SHARED_FILES, *(f"*{s}" for s in PICKLE_SUFFIXES)],
                              cache_dir=cache_dir, endpoint=endpoint, local_files_only=not hub_reachable(endpoint))
        )  # fmt: skip
    except (RepositoryNotFoundError, RevisionNotFoundError):
        raise ValueError(f"No model {repo_id!r} at revision {revision or 'main'} on the Hub.") from None
    except LocalEntryNotFoundError:
        raise ValueError(f"The Hub is unreachable and {repo_id!r} is not in the local cache.") from None
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "no answer"
        raise ValueError(f"The Hub could not send {repo_id!r} (HTTP {status}).") from None
    generator = check_shared_folder(folder)
    card = ModelCard.load(folder / CARD_NAME) if (folder / CARD_NAME).is_file() else None
    return PulledModel(repo_id, folder.name if COMMIT.match(folder.name) else "unknown", folder, card, generator)


def check_shared_folder(folder: Path) -> Generator:
    """Refuse pickles and anything that is not exactly this library's generator; returns it loaded (CPU)."""
    pickles = sorted(p.name for p in Path(folder).iterdir() if p.name.endswith(PICKLE_SUFFIXES))
    if pickles and not (Path(folder) / WEIGHTS_NAME).is_file():
        raise ValueError(f"This model ships pickled weights ({', '.join(pickles)}), which are never loaded: it needs model.safetensors.")
    check_folder(folder)
    return load_generator(folder)


def list_shared(limit: int = 24, endpoint: str | None = None) -> list[SharedModel]:
    """Models of this library on the Hub, most liked first; ValueError saying the Hub is unreachable when it is."""
    offline = ValueError(f"{UNREACHABLE} (offline), so shared models cannot be listed now.")
    if not hub_reachable(endpoint):
        raise offline
    api = HfApi(endpoint=endpoint)
    try:
        models = list(api.list_models(filter=LIBRARY_NAME, sort="likes", limit=limit))
    except Exception:  # the network went away since the probe, DNS, HTTP errors: all mean "cannot browse now"
        raise offline from None
    base = (endpoint or api.endpoint).rstrip("/")
    return [SharedModel(m.id, f"{base}/{m.id}/resolve/main/{SAMPLES_NAME}", m.likes or 0, m.downloads or 0) for m in models]
