"""StyleService: the single facade the UI and CLI call. No gradio import.

Every state change is one database transaction, taken after the files it refers to are on disk, so
a crash leaves either the old state or the new one, never half of each.
"""

from __future__ import annotations

import functools
import secrets
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import torch
from PIL import Image
from sqlalchemy import delete, select

from stylegan_app.config import CHECKPOINTS_DIR, REPO_DIR, PersonalizeConfig, Settings, TrainConfig, resolve_device
from stylegan_app.engine.checkpoint import WEIGHTS_NAME
from stylegan_app.engine.explain import attention_overlay, layer_changes, losses_over_rounds, palette_strip, style_layers_before_after
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.images import decode_image, image_grid, load_rgb, resize_long_side
from stylegan_app.engine.lossnet import LossNetwork, shared_lossnet
from stylegan_app.engine.new_style import ADAPT_CONFIG, adapt_to_style
from stylegan_app.engine.output_controls import finish
from stylegan_app.engine.personalize import RoundInputs, personalize_round
from stylegan_app.engine.presets import get_preset, list_presets
from stylegan_app.engine.sampling import Proposal, generate, prepare_content, seeded_z

from . import hub, store
from .checks import check_candidate_ids, check_ratings, check_size, check_strength, check_user_name
from .model_files import PRESET_PREFIX, ModelFiles, file_sha256
from .stylizer import MAX_CANDIDATES, MIN_SIZE, Stylizer
from .views import Candidate, Explanation, PersonalizeReport, RoundView

ProgressFn = Callable[[float, str], None]
EXTRA_PHOTOS_DIR = CHECKPOINTS_DIR / "photos"
SAMPLE_PHOTO = REPO_DIR / "examples" / "photos" / "mont_saint_michel.jpg"  # held out of preset training
MAX_STEPS = 500
MAX_SEED = 2**31 - 1


class StyleService:
    """Sessions, candidates, picks, personalisation rounds, undo and export, on a database and a data folder."""

    def __init__(
        self,
        settings: Settings | None = None,
        personalize_cfg: PersonalizeConfig = PersonalizeConfig(),
        adapt_cfg: TrainConfig = ADAPT_CONFIG,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.device = resolve_device(self.settings.device)
        self.personalize_cfg, self.adapt_cfg = personalize_cfg, adapt_cfg
        self.data_dir = self.settings.data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = store.open_store(self.settings.database_url)
        self.images = store.ImageFiles(self.data_dir / "images")
        self.models = ModelFiles(self.data_dir, self.settings.styles_dir, self.device)
        self._stylizers: dict[str, Stylizer] = {}
        self._lock = threading.Lock()  # guards the caches and the per-session locks
        self._session_locks: dict[str, threading.Lock] = {}
        self._stop_flags: dict[str, threading.Event] = {}

    # ---- presets -------------------------------------------------------------------------------

    def presets(self) -> list[str]:
        """Names of the bundled preset styles."""
        return [p.name for p in list_presets(self.settings.styles_dir)]

    def preset_thumbnail(self, name: str) -> Image.Image:
        """The preset's painting."""
        return get_preset(name, self.settings.styles_dir).style_image()

    def stylizer(self, preset: str) -> Stylizer:
        """A cached, read-only stylizer for a preset (stateless candidates, used by quick previews)."""
        with self._lock:
            if preset not in self._stylizers:
                self._stylizers[preset] = Stylizer.for_style(preset, self.device, self.settings)
            return self._stylizers[preset]

    def candidates(self, content: Image.Image | bytes, preset: str, n: int = 8, seed: int = 0, size: int | None = 512) -> list[Image.Image]:
        """n candidates of a photo in a preset style without a session; the photo is decoded with the safety limits."""
        photo = decode_image(content, self.settings.limits)
        return self.stylizer(preset).candidates(photo, n=n, seed=seed, size=size)

    # ---- sessions ------------------------------------------------------------------------------

    def start_session(
        self,
        content: Image.Image | bytes | str,
        style: str | Image.Image | bytes,
        user: str | None = None,
        progress: ProgressFn | None = None,
    ) -> str:
        """A new session on a photo in a preset style (by name) or a style image of the user's own; returns its id."""
        photo = decode_image(content, self.settings.limits)
        user_name = check_user_name(user)
        session_id = store.new_id()
        if isinstance(style, str):
            preset = get_preset(style, self.settings.styles_dir)
            path = PRESET_PREFIX + preset.name
            sha = file_sha256(preset.folder / WEIGHTS_NAME)
            z_dim = self.models.load(path, sha, 0).z_dim  # cached for the session's first batch
            return self._new_session(session_id, photo, user_name, path, sha, z_dim, preset=preset.name, lineage=[path])
        style_image = decode_image(style, self.settings.limits)
        generator = adapt_to_style(style_image, self.device, self.settings, progress=progress, train_cfg=self.adapt_cfg)
        path, sha = self.models.save(generator, session_id, 0)
        return self._new_session(session_id, photo, user_name, path, sha, generator.z_dim, style_image=style_image)

    def start_session_from_hub(
        self, content: Image.Image | bytes | str, repo_id: str, revision: str | None = None, user: str | None = None
    ) -> str:
        """A new session on a shared model pulled from the Hub (pinned to the resolved commit, checked before use)."""
        photo = decode_image(content, self.settings.limits)
        user_name = check_user_name(user)
        pulled = hub.pull(repo_id, revision)
        if not (pulled.folder / hub.STYLE_NAME).is_file():
            raise ValueError(f"{repo_id} has no {hub.STYLE_NAME}, which a round needs: it was not shared by this app.")
        style_image = decode_image(pulled.folder / hub.STYLE_NAME, self.settings.limits)
        session_id = store.new_id()
        path, sha = self.models.save(pulled.generator, session_id, 0)
        return self._new_session(session_id, photo, user_name, path, sha, pulled.generator.z_dim,
                                 style_image=style_image, base_model=repo_id, lineage=list(pulled.lineage))  # fmt: skip

    def _new_session(
        self,
        session_id: str,
        photo: Image.Image,
        user_name: str | None,
        path: str,
        sha: str,
        z_dim: int,
        preset: str | None = None,
        style_image: Image.Image | None = None,
        base_model: str | None = None,
        lineage: list[str] | None = None,
    ) -> str:
        """One transaction: the user, the images, the session and its round-0 model version."""
        with self.db.begin() as db:
            user_row = self._user(db, user_name)
            content_sha = self.images.put(db, photo)
            style_sha = self.images.put(db, style_image) if style_image is not None else None
            db.add(
                store.StyleSession(id=session_id, user_id=user_row.id, content_sha=content_sha, style_preset=preset, style_sha=style_sha,
                                   base_model=base_model, lineage=lineage or [])
            )  # fmt: skip
            db.flush()
            proposal = proposal_json(Proposal.prior(z_dim))
            db.add(store.ModelVersion(session_id=session_id, round=0, path=path, sha256=sha, proposal=proposal, losses=[]))
        return session_id

    @staticmethod
    def _user(db, name: str | None) -> store.User:
        """The user row called name (created if new); a fresh anonymous one for None."""
        if name is not None:
            found = db.scalars(select(store.User).where(store.User.name == name)).first()
            if found is not None:
                return found
        user = store.User(name=name)
        db.add(user)
        db.flush()
        return user

    def session_round(self, session_id: str) -> int:
        """The session's current round."""
        with self.db() as db:
            store.get_session(db, session_id)
            return store.current_version(db, session_id).round

    # ---- candidates and picks ------------------------------------------------------------------

    def generate(
        self,
        session_id: str,
        n: int = 8,
        seed: int | None = None,
        size: int | None = None,
        strength: float = 1.0,
        keep_colours: bool = False,
    ) -> list[Candidate]:
        """n candidates from the session's current model, z drawn from its proposal; stored so any can be re-rendered.

        strength blends each painting with the photo (1 = painting only); keep_colours keeps the photo's colours.
        """
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CANDIDATES:
            raise ValueError(f"The number of candidates must be between 1 and {MAX_CANDIDATES}, not {n!r}.")
        check_size(size)
        if seed is None:
            seed = secrets.randbelow(MAX_SEED)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise ValueError(f"The seed must be a whole number between 0 and {MAX_SEED}, not {seed!r}.")
        strength = check_strength(strength)
        with self.db() as db:
            session = store.get_session(db, session_id)
            version = store.current_version(db, session_id)
        generator = self._generator(version)
        photo = prepare_content(self.images.load(session.content_sha), size, self.settings.max_side)
        z = Proposal(**version.proposal).sample(seed, n, self.personalize_cfg.prior_fraction)
        images = [finish(image, photo, strength, bool(keep_colours)) for image in self._paint(generator, photo, z)]
        with self.db.begin() as db:
            rows = []
            for position, (image, z_row) in enumerate(zip(images, z.tolist(), strict=True)):
                sha = self.images.put(db, image)
                rows.append(
                    store.Candidate(
                        session_id=session_id,
                        version_id=version.id,
                        round=version.round,
                        seed=seed,
                        position=position,
                        z=z_row,
                        size=max(image.size),
                        image_sha=sha,
                    )
                )
            db.add_all(rows)
        return [Candidate(r.id, image, seed, r.round, r.position, tuple(r.z)) for r, image in zip(rows, images, strict=True)]

    def _paint(self, generator: Generator, photo: Image.Image, z: torch.Tensor) -> list[Image.Image]:
        """generate(), retried at half the size while the GPU runs out of memory (down to MIN_SIZE)."""
        while True:
            try:
                return generate(generator, photo, z, self.device)
            except torch.OutOfMemoryError:
                if self.device == "cuda":
                    torch.cuda.empty_cache()
                if max(photo.size) // 2 < MIN_SIZE:
                    raise ValueError("Out of GPU memory even at the smallest output size: try again in a moment.") from None
                photo = resize_long_side(photo, max(photo.size) // 2)

    def latest_batch(self, session_id: str) -> tuple[list[Candidate], dict[str, int]]:
        """The last batch generated with the current model (empty before the first) and the ratings of its picks."""
        with self.db() as db:
            store.get_session(db, session_id)
            rows = store.version_candidates(db, store.current_version(db, session_id).id)
            rows = [r for r in rows if r.seed == rows[-1].seed]  # the last batch
            ratings = store.picks_of(db, [r.id for r in rows])
        return [self._candidate(r) for r in rows], ratings

    def _candidate(self, row: store.Candidate) -> Candidate:
        return Candidate(row.id, self.images.load(row.image_sha), row.seed, row.round, row.position, tuple(row.z))

    def render(self, session_id: str, candidate_id: str, size: int | None = None, current_model: bool = False) -> Image.Image:
        """A candidate painted again from its z: by the model that made it, or by the current one; size None = full size."""
        check_size(size)
        with self.db() as db:
            self._own_candidates(db, session_id, check_candidate_ids([candidate_id]))
            row = db.get(store.Candidate, candidate_id)
            session = db.get(store.StyleSession, session_id)
            version = store.current_version(db, session_id) if current_model else db.get(store.ModelVersion, row.version_id)
        photo = prepare_content(self.images.load(session.content_sha), size, self.settings.max_side)
        return self._paint(self._generator(version), photo, torch.tensor([row.z], dtype=torch.float32))[0]

    def pick(self, session_id: str, candidate_ids: Sequence[str], ratings: Mapping[str, int] | None = None) -> None:
        """Record picks (a rating 1-5 each, 1 when not given); picking again updates the rating. All or nothing."""
        ids = check_candidate_ids(candidate_ids)
        ratings = check_ratings(ratings, ids)
        with self.db.begin() as db:
            self._own_candidates(db, session_id, ids)
            existing = {p.candidate_id: p for p in db.scalars(select(store.Pick).where(store.Pick.candidate_id.in_(ids)))}
            for cid in ids:
                if cid in existing:
                    existing[cid].rating = ratings.get(cid, 1)
                else:
                    db.add(store.Pick(candidate_id=cid, rating=ratings.get(cid, 1)))

    def unpick(self, session_id: str, candidate_ids: Sequence[str]) -> None:
        """Remove picks (candidates that were not picked are ignored)."""
        ids = check_candidate_ids(candidate_ids)
        with self.db.begin() as db:
            self._own_candidates(db, session_id, ids)
            db.execute(delete(store.Pick).where(store.Pick.candidate_id.in_(ids)))

    def picks(self, session_id: str) -> dict[str, int]:
        """Ratings of the picked candidates of the current round."""
        with self.db() as db:
            store.get_session(db, session_id)
            version = store.current_version(db, session_id)
            return store.picks_of(db, [c.id for c in store.version_candidates(db, version.id)])

    @staticmethod
    def _own_candidates(db, session_id: str, ids: list[str]) -> None:
        """Raise ValueError unless the session exists and every id is one of its candidates."""
        store.get_session(db, session_id)
        found = set(db.scalars(select(store.Candidate.id).where(store.Candidate.id.in_(ids), store.Candidate.session_id == session_id)))
        if len(found) != len(ids):
            raise ValueError("Some of the picked candidates do not belong to this session: generate candidates and pick among them.")

    # ---- personalisation -----------------------------------------------------------------------

    def personalize(
        self,
        session_id: str,
        steps: int | None = None,
        progress: ProgressFn | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_step: Callable[[dict[str, float]], None] | None = None,
    ) -> PersonalizeReport:
        """One round: learn from the current round's picks and make the result the session's new model version.

        on_step receives each fine-tune step's losses as they come.
        """
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS):
            raise ValueError(f"The number of steps must be between 1 and {MAX_STEPS}, not {steps!r}.")
        cfg = self.personalize_cfg if steps is None else replace(self.personalize_cfg, steps=steps)
        lock, stop = self._session_lock(session_id)
        if not lock.acquire(blocking=False):
            raise ValueError("A round is already running for this session: wait for it to finish.")
        try:
            stop.clear()
            with self.db() as db:
                session = store.get_session(db, session_id)
                version = store.current_version(db, session_id)
                shown = store.version_candidates(db, version.id)
                ratings = store.picks_of(db, [c.id for c in shown])
            if not ratings:
                raise ValueError("Pick at least one candidate of this round before learning your taste.")
            inputs = RoundInputs(
                photo=self.images.load(session.content_sha),
                style=self._style_image(session),
                z=torch.tensor([c.z for c in shown], dtype=torch.float32),
                ratings=torch.tensor([ratings.get(c.id, 0) for c in shown], dtype=torch.float32),
                proposal=Proposal(**version.proposal),
                extra_photos=list(extra_photos()[: cfg.extra_photos]),
            )
            cfg = replace(cfg, seed=version.id)  # a fresh draw of crops and z each round, reproducible
            result = personalize_round(
                self._generator(version), self.lossnet(), inputs, cfg, device=self.device, progress=progress,
                should_stop=lambda: stop.is_set() or (should_stop is not None and should_stop()), on_step=on_step,
            )  # fmt: skip
            if result is None:
                return PersonalizeReport(version.round, 0.0, [], stopped=True)
            new_round = version.round + 1
            relative, sha = self.models.save(result.generator, session_id, new_round)
            with self.db.begin() as db:
                db.add(
                    store.ModelVersion(
                        session_id=session_id, round=new_round, parent_id=version.id, path=relative, sha256=sha,
                        proposal=proposal_json(result.proposal), losses=result.losses, steps=cfg.steps, seconds=round(result.seconds, 3),
                    )
                )  # fmt: skip
            return PersonalizeReport(new_round, result.seconds, result.losses)
        finally:
            lock.release()

    def stop(self, session_id: str) -> None:
        """Ask a running round of this session to stop; the previous model version stays current."""
        self._session_lock(session_id)[1].set()

    def undo(self, session_id: str) -> int:
        """Go back to the previous model version (the undone one is kept, marked); returns the round now current."""
        lock, _ = self._session_lock(session_id)
        with lock, self.db.begin() as db:
            store.get_session(db, session_id)
            version = store.current_version(db, session_id)
            if version.parent_id is None:
                raise ValueError("Nothing to undo: this is the style you started with.")
            version.undone_at = store.utcnow()
            return db.get(store.ModelVersion, version.parent_id).round

    def undo_to(self, session_id: str, round_: int) -> int:
        """Go back to an earlier round of the current line of rounds (later versions are kept, marked); returns it."""
        lock, _ = self._session_lock(session_id)
        with lock, self.db.begin() as db:
            store.get_session(db, session_id)
            line = store.live_versions(db, session_id)
            if isinstance(round_, bool) or not isinstance(round_, int) or round_ not in {v.round for v in line[:-1]}:
                raise ValueError(f"Round {round_!r} is not an earlier round of this session: choose one from the history.")
            for version in line:
                if version.round > round_:
                    version.undone_at = store.utcnow()
            return round_

    def history(self, session_id: str) -> list[RoundView]:
        """Every model version of the session, oldest first, with its candidates and picks."""
        with self.db() as db:
            store.get_session(db, session_id)
            current = store.current_version(db, session_id).id
            views = []
            for version in store.all_versions(db, session_id):
                rows = store.version_candidates(db, version.id)
                ratings = store.picks_of(db, [r.id for r in rows])
                candidates = [self._candidate(r) for r in rows]
                undone = version.undone_at is not None
                views.append(RoundView(version.round, version.id == current, undone, version.seconds, candidates, ratings))
        return views

    def explain(self, session_id: str) -> Explanation:
        """Losses per round and per layer, which generator blocks the last round moved, palettes and attention."""
        with self.db() as db:
            session = store.get_session(db, session_id)
            line = store.live_versions(db, session_id)
            parent = db.get(store.ModelVersion, line[-1].parent_id) if line[-1].parent_id is not None else None
            shown = [r for v in line for r in store.version_candidates(db, v.id)]
            ratings = store.picks_of(db, [r.id for r in shown])
            picked_shas = [r.image_sha for r in shown if r.id in ratings]
        current = line[-1]
        batch, _ = self.latest_batch(session_id)
        generator = self._generator(current)
        photo = prepare_content(self.images.load(session.content_sha), 256, self.settings.max_side)
        palettes = palette_strip(
            [("the painting", [self._style_image(session)]), ("your picks", [self.images.load(s) for s in picked_shas[-8:]]),
             ("the latest batch", [c.image for c in batch])]
        )  # fmt: skip
        return Explanation(
            round=current.round,
            losses_over_rounds=losses_over_rounds([(v.round, v.losses) for v in line if v.losses]),
            style_layers=style_layers_before_after(current.losses),
            layer_changes=layer_changes(self._generator(parent), generator) if parent is not None else [],
            palettes=palettes,
            attention=attention_overlay(generator, photo, Proposal(**current.proposal).sample(0, 1, 0.0), self.device),
        )

    def export(self, session_id: str, out_dir: str | Path) -> Path:
        """Write the session's current model in the Hugging Face layout, ready to share: config.json, model.safetensors,
        README.md (model card with lineage), samples.jpg (8 candidates of a held-out photo) and style.png."""
        with self.db() as db:
            session = store.get_session(db, session_id)
            version = store.current_version(db, session_id)
            shown = db.scalars(select(store.Candidate.id).where(store.Candidate.session_id == session_id)).all()
            n_picks = len(store.picks_of(db, list(shown)))
        generator = self._generator(version)
        sample_photo = prepare_content(load_rgb(SAMPLE_PHOTO), 256, self.settings.max_side)
        samples = image_grid(generate(generator, sample_photo, seeded_z(0, 8, generator.z_dim), self.device), columns=4)
        if session.style_preset is not None:
            meta = get_preset(session.style_preset, self.settings.styles_dir).metadata()
            style = f"{meta.get('artist', 'unknown artist')}, {meta.get('title', session.style_preset)}"
            licence = meta.get("licence", "see the app's README")
        elif session.base_model is not None:
            style, licence = f"the style image of {session.base_model}", f"as stated in the card of {session.base_model}"
        else:
            style, licence = "a style image of the user's own", "not recorded (uploaded by the user who trained this model)"
        info = hub.CardInfo(
            style=style, style_licence=licence, rounds=version.round, picks=n_picks, training=round_settings(self.personalize_cfg),
            base_model=session.base_model, base_preset=session.style_preset, lineage=tuple(session.lineage or ()),
        )  # fmt: skip
        return hub.export_folder(generator, Path(out_dir), info, samples, self._style_image(session))

    def push(self, session_id: str, name: str, token: str, user: str | None = None) -> tuple[str, str]:
        """Export the current model and push it to the token owner's own namespace as <user>/<name>; (repo_id, commit)."""
        hub.check_model_name(name)  # before the export's work; the namespace is checked against the token's user in push
        with tempfile.TemporaryDirectory(prefix="stylegan_app_share_") as folder:
            self.export(session_id, folder)
            return hub.push(Path(folder), name, token, user=user)

    def shared_models(self, limit: int = 24) -> list[hub.SharedModel]:
        """Models of this library on the Hub; ValueError saying the Hub is unreachable when it is."""
        return hub.list_shared(limit)

    # ---- internals -----------------------------------------------------------------------------

    def lossnet(self) -> LossNetwork:
        """The process-wide frozen loss network, loaded on first use."""
        return shared_lossnet(self.device)

    def _session_lock(self, session_id: str) -> tuple[threading.Lock, threading.Event]:
        with self._lock:
            if session_id not in self._session_locks:
                self._session_locks[session_id] = threading.Lock()
                self._stop_flags[session_id] = threading.Event()
            return self._session_locks[session_id], self._stop_flags[session_id]

    def _generator(self, version: store.ModelVersion) -> Generator:
        """The version's generator (read-only, cached, checked against its sha256)."""
        return self.models.load(version.path, version.sha256, version.round)

    def _style_image(self, session: store.StyleSession) -> Image.Image:
        if session.style_sha is not None:
            return self.images.load(session.style_sha)
        return self.preset_thumbnail(session.style_preset)


@functools.lru_cache(maxsize=1)
def extra_photos() -> tuple[Image.Image, ...]:
    """The bundled photos a round adds against overfitting one image (checkpoints/photos/, read-only)."""
    return tuple(load_rgb(p) for p in sorted(EXTRA_PHOTOS_DIR.glob("*.jpg")))


def proposal_json(proposal: Proposal) -> dict:
    """A proposal as stored in the database."""
    return {"mean": list(proposal.mean), "std": list(proposal.std)}


def round_settings(cfg: PersonalizeConfig) -> dict:
    """The settings of a personalisation round that a model card lists."""
    keys = ("steps", "size", "crop", "lr", "style_lambda", "beta", "max_step", "adv_weight", "diversity_weight", "anchor_weight")
    return {key: getattr(cfg, key) for key in keys}
