"""What a session did: every round with its candidates, and the explanation of the latest round."""

from __future__ import annotations

import torch
from PIL import Image

from stylegan_app.engine.explain import (
    attention_from_point,
    attention_overlay,
    layer_changes,
    losses_over_rounds,
    palette_strip,
    style_layers_before_after,
)
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.presets import list_presets
from stylegan_app.engine.sampling import Proposal, prepare_content
from stylegan_app.engine.taste import Taste
from stylegan_app.engine.taste_path import RoundTaste, path_rows, path_story

from . import store
from .candidates import CandidateMethods
from .checks import check_candidate_ids
from .views import Explanation, RoundView

EXPLAIN_SIDE = 256  # long side of the photo the Explain tab's attention views are painted at


class HistoryMethods(CandidateMethods):
    """StyleService's history and explanation: history, explain."""

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
            session = store.get_style_session(db, session_id, "The explanation")
            line = store.live_versions(db, session_id)
            parent = db.get(store.ModelVersion, line[-1].parent_id) if line[-1].parent_id is not None else None
            shown = [r for v in line for r in store.version_candidates(db, v.id)]
            ratings = store.picks_of(db, [r.id for r in shown])
            picked_shas = [r.image_sha for r in shown if r.id in ratings]
            batch = self._batch_view(db, session_id).candidates
        current = line[-1]
        generator = self._generator(current)
        rounds = [RoundTaste(v.round, Taste.from_json(v.taste) if v.taste else None, tuple(v.proposal["mean"])) for v in line]
        names = self._painting_names(line[0], generator)
        photo = prepare_content(self.images.load(session.content_sha), EXPLAIN_SIDE, self.limits.max_size)
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
            attention=attention_overlay(self._painter(current), photo, Proposal(**current.proposal).sample(0, 1, 0.0), self.device),
            taste_path=path_rows(rounds, names) if names else [],
            taste_story=path_story(rounds, names or []),
        )

    def attention_at(self, session_id: str, candidate_id: str, x: float, y: float) -> Image.Image | None:
        """Where the point (x, y), as shares of a candidate's width and height, looked in the photo while the candidate
        was painted (its model, z and code; the self-attention row of that point); None where the model has none."""
        with self.db() as db:
            session = store.get_style_session(db, session_id, "The attention view")
            store.check_own_candidates(db, session_id, check_candidate_ids([candidate_id]))
            row = db.get(store.Candidate, candidate_id)
            version = db.get(store.ModelVersion, row.version_id)
        photo = prepare_content(self.images.load(session.content_sha), EXPLAIN_SIDE, self.limits.max_size)
        z = torch.tensor([row.z], dtype=torch.float32)
        code = self._candidate_codes(version, [row.mix])
        return attention_from_point(self._generator(version), photo, z, (x, y), code, self.device)

    def _painting_names(self, first: store.ModelVersion, generator: Generator) -> list[str] | None:
        """The titles of the paintings a multi-style session's codes stand for, in code order (from the presets of the
        network its first version is), or None for a single-style model."""
        if generator.style_codes is None:
            return None
        names = [f"painting {k + 1}" for k in range(generator.style_codes.shape[0])]
        folder = self.models.folder(first.path)
        for preset in list_presets(self.settings.styles_dir):
            if preset.code_index is not None and preset.weights_folder == folder and preset.code_index < len(names):
                names[preset.code_index] = preset.metadata().get("title", preset.name).split(" (")[0]  # without "(1888, oil)"
        return names
