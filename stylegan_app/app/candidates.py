"""Candidates and picks: generate a batch, the batch on screen, picks, and painting a candidate again."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

import torch
from PIL import Image

from stylegan_app.engine.gan_candidates import candidate_seeds
from stylegan_app.engine.memory import trim
from stylegan_app.engine.output_controls import finish
from stylegan_app.engine.sampling import Proposal, generate_fitting_memory, prepare_content
from stylegan_app.engine.taste import Taste, explore

from . import store
from .checks import check_candidate_ids, check_count, check_ratings, check_seed, check_size, check_strength
from .gan_sessions import GanSessionMethods
from .views import BatchView, Candidate


class CandidateMethods(GanSessionMethods):
    """StyleService's candidates and picks: generate, batch, toggle_pick, pick, unpick, picks, render."""

    def generate(
        self,
        session_id: str,
        n: int = 8,
        seed: int | None = None,
        size: int | None = None,
        strength: float = 1.0,
        keep_colours: bool = False,
    ) -> list[Candidate]:
        """n candidates from the session's current model, z drawn from its proposal: one new batch, stored so any can be
        re-rendered. strength blends each painting with the photo (1 = painting only); keep_colours keeps the photo's colours
        (both for style sessions: a GAN session's candidates are its model's own)."""
        check_count(n, self.limits)
        check_size(size, self.limits)
        seed = secrets.randbelow(self.limits.max_seed) if seed is None else seed
        check_seed(seed, self.limits)
        strength = check_strength(strength)
        with self.db() as db:
            session = store.get_session(db, session_id)
            version = store.current_version(db, session_id)
        self._cpu_job()
        cfg = self.personalize_cfg
        z = Proposal(**version.proposal).sample(seed, n, cfg.prior_fraction)
        mixes = None
        if session.gan_model is not None:
            images = self._gan_paint(session, version, z, candidate_seeds(seed, n), size)
        else:
            photo = prepare_content(self.images.load(session.content_sha), size, self.limits.max_size)
            taste = None if version.taste is None else Taste.from_json(version.taste)
            mixes = None if taste is None else explore(taste, n, seed, cfg.explore_fraction, cfg.explore_step).tolist()
            codes = None if mixes is None else self._candidate_codes(version, mixes)
            painted = generate_fitting_memory(self._generator(version), photo, z, self.device, self.limits.min_size, codes)
            images = [finish(image, photo, strength, bool(keep_colours)) for image in painted]
        batch_id = store.new_id()
        with self.db.begin() as db:
            rows = [
                store.Candidate(session_id=session_id, version_id=version.id, round=version.round, batch_id=batch_id, seed=seed,
                                position=position, z=z_row, mix=None if mixes is None else mixes[position], size=max(image.size),
                                image_sha=self.images.put(db, image))
                for position, (image, z_row) in enumerate(zip(images, z.tolist(), strict=True))
            ]  # fmt: skip
            db.add_all(rows)
        trim()  # what painting the batch freed goes back to the system, not into one thread's arena
        return [Candidate(r.id, image, seed, r.round, r.position, tuple(r.z)) for r, image in zip(rows, images, strict=True)]

    def batch(self, session_id: str) -> BatchView:
        """What the Paint tab shows: the round, the last batch generated with the current model and its picks."""
        with self.db() as db:
            return self._batch_view(db, session_id)

    def toggle_pick(self, session_id: str, candidate_id: str, rating: int = 1) -> BatchView:
        """Pick a candidate with a rating, or unpick it when it is picked; one transaction, then the batch as it is now."""
        ids = check_candidate_ids([candidate_id])
        ratings = check_ratings({candidate_id: rating}, ids)
        with self.db.begin() as db:
            store.check_own_candidates(db, session_id, ids)
            if store.picks_of(db, ids):
                store.remove_picks(db, ids)
            else:
                store.set_picks(db, ids, ratings)
            return self._batch_view(db, session_id)

    def _batch_view(self, db, session_id: str) -> BatchView:
        store.get_session(db, session_id)
        version = store.current_version(db, session_id)
        rows = store.latest_batch(db, version.id)
        ratings = store.picks_of(db, [r.id for r in rows])
        return BatchView(session_id, version.round, [self._candidate(r) for r in rows], ratings, store.version_pick_count(db, version.id))

    def render(self, session_id: str, candidate_id: str, size: int | None = None, current_model: bool = False) -> Image.Image:
        """A candidate painted again from its z: by the model that made it, or by the current one; size None = full size."""
        check_size(size, self.limits)
        with self.db() as db:
            store.check_own_candidates(db, session_id, check_candidate_ids([candidate_id]))
            row = db.get(store.Candidate, candidate_id)
            session = db.get(store.StyleSession, session_id)
            version = store.current_version(db, session_id) if current_model else db.get(store.ModelVersion, row.version_id)
        self._cpu_job()
        if session.gan_model is not None:
            z = torch.tensor([row.z], dtype=torch.float32)
            return self._gan_paint(session, version, z, [row.seed + row.position], size or self._gan_full_size(session))[0]
        photo = prepare_content(self.images.load(session.content_sha), size, self.limits.max_size)
        z = torch.tensor([row.z], dtype=torch.float32)
        codes = self._candidate_codes(version, [row.mix])
        return generate_fitting_memory(self._generator(version), photo, z, self.device, self.limits.min_size, codes)[0]

    def pick(self, session_id: str, candidate_ids: Sequence[str], ratings: Mapping[str, int] | None = None) -> None:
        """Record picks (a rating 1-5 each, 1 when not given); picking again updates the rating. All or nothing."""
        ids = check_candidate_ids(candidate_ids)
        ratings = check_ratings(ratings, ids)
        with self.db.begin() as db:
            store.check_own_candidates(db, session_id, ids)
            store.set_picks(db, ids, ratings)

    def unpick(self, session_id: str, candidate_ids: Sequence[str]) -> None:
        """Remove picks (candidates that were not picked are ignored)."""
        ids = check_candidate_ids(candidate_ids)
        with self.db.begin() as db:
            store.check_own_candidates(db, session_id, ids)
            store.remove_picks(db, ids)

    def picks(self, session_id: str) -> dict[str, int]:
        """Ratings of the picked candidates of the current round."""
        with self.db() as db:
            store.get_session(db, session_id)
            version = store.current_version(db, session_id)
            return store.picks_of(db, [c.id for c in store.version_candidates(db, version.id)])
