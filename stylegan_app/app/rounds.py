"""Personalisation rounds of a session: learn from the picks, stop a running round, undo."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace

import torch
from PIL import Image

from stylegan_app.config import ROUND_PHOTOS_DIR, PersonalizeConfig
from stylegan_app.engine.images import load_rgb
from stylegan_app.engine.memory import trim
from stylegan_app.engine.personalize import RoundInputs, RoundResult, personalize_round
from stylegan_app.engine.progress import Progress
from stylegan_app.engine.regions import CodeMap, code_map
from stylegan_app.engine.sampling import Proposal
from stylegan_app.engine.taste import Taste, move_taste

from . import store
from .checks import check_steps
from .gan_sessions import GanSessionMethods
from .views import PersonalizeReport


class RoundMethods(GanSessionMethods):
    """StyleService's rounds: personalize, stop, undo, undo_to."""

    def personalize(
        self,
        session_id: str,
        steps: int | None = None,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_step: Callable[[dict[str, float]], None] | None = None,
    ) -> PersonalizeReport:
        """One round: learn from the current round's picks and make the result the session's new model version.

        on_step receives each fine-tune step's losses as they come.
        """
        check_steps(steps, self.limits)
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
            rated = torch.tensor([ratings.get(c.id, 0) for c in shown], dtype=torch.float32)
            self._cpu_job()
            stopping = lambda: stop.is_set() or (should_stop is not None and should_stop())  # noqa: E731
            cfg = replace(cfg, seed=version.id)  # a fresh draw of crops and z each round, reproducible
            taste = None
            if session.gan_model is not None:
                result = self._gan_round(session, self._generator(version), shown, rated, Proposal(**version.proposal),
                                         replace(cfg, lr=cfg.gan_lr), progress, stopping, on_step)  # fmt: skip
            else:
                taste, result = self._style_round(session, version, shown, rated, cfg, progress, stopping, on_step)
            if result is None:
                return PersonalizeReport(version.round, 0.0, [], stopped=True)
            new_round = version.round + 1
            relative, sha = self.models.save(result.generator, session_id, new_round)
            with self.db.begin() as db:
                db.add(store.ModelVersion(session_id=session_id, round=new_round, parent_id=version.id, path=relative, sha256=sha,
                                          proposal=store.proposal_json(result.proposal), losses=result.losses, steps=cfg.steps,
                                          seconds=round(result.seconds, 3), taste=None if taste is None else taste.to_json()))  # fmt: skip
            return PersonalizeReport(new_round, result.seconds, result.losses)
        finally:
            lock.release()
            trim()  # a round's activations are the largest allocations a server makes: give them back

    def _style_round(self, session: store.StyleSession, version: store.ModelVersion, shown: list[store.Candidate],
                     rated: torch.Tensor, cfg: PersonalizeConfig, progress: Progress | None, should_stop: Callable[[], bool],
                     on_step: Callable[[dict[str, float]], None] | None) -> tuple[Taste | None, RoundResult | None]:  # fmt: skip
        """A style session's round: the taste moved (multi-style models), then the fine-tune toward the picks."""
        taste, codes, code, moved_code = self._moved_taste(version, shown, rated, cfg)
        inputs = RoundInputs(
            photo=self.images.load(session.content_sha),
            style=self._style_image(session),
            z=torch.tensor([c.z for c in shown], dtype=torch.float32),
            ratings=rated,
            proposal=Proposal(**version.proposal),
            extra_photos=list(round_photos()[: cfg.extra_photos]),
            codes=codes,
            code=code,
            moved_code=moved_code,
        )
        result = personalize_round(self._generator(version), self.lossnet(), inputs, cfg, device=self.device, progress=progress,
                                   should_stop=should_stop, on_step=on_step)  # fmt: skip
        return taste, result

    def _moved_taste(
        self, version: store.ModelVersion, shown: list[store.Candidate], ratings: torch.Tensor, cfg: PersonalizeConfig
    ) -> tuple[Taste | None, torch.Tensor | CodeMap | None, torch.Tensor | None, torch.Tensor | CodeMap | None]:
        """The round's instant part where the model is multi-style: (the taste moved toward the picks, the shown
        candidates' codes (N, style_dim), the moved taste's code (style_dim,), and that code over the whole photo
        (1, style_dim)); the codes over the photo are CodeMaps where the session has regions. All None for a
        single-style model."""
        if version.taste is None:
            return None, None, None, None
        taste = Taste.from_json(version.taste)
        style_codes = self._generator(version).style_codes
        mixes = taste.mixes([c.mix for c in shown])
        moved = move_taste(taste, mixes, ratings, cfg.taste_beta, cfg.taste_max_step)
        regions = self._region_codes(version.session_id, style_codes)  # read once for both maps
        code = moved.code(style_codes)
        return moved, code_map(taste.codes(mixes, style_codes), regions), code, code_map(code[None], regions)

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


@functools.lru_cache(maxsize=1)
def round_photos() -> tuple[Image.Image, ...]:
    """The bundled photos a round adds against overfitting one image (checkpoints/photos/, read-only)."""
    return tuple(load_rgb(p) for p in sorted(ROUND_PHOTOS_DIR.glob("*.jpg")))
