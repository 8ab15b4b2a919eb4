"""What the service returns, shaped as the UI shows it: candidates, the batch on screen, round reports, history, explanations."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class Candidate:
    """One generated image of a session."""

    id: str
    image: Image.Image
    seed: int
    round: int
    position: int
    z: tuple[float, ...]


@dataclass(frozen=True)
class BatchView:
    """What the Paint tab shows: the session's round, the latest batch of its current model and which of it are picked."""

    session_id: str
    round: int
    candidates: list[Candidate]  # the latest batch, by position; empty before the first Generate
    ratings: dict[str, int]  # candidate id -> rating, for the picked ones of this batch
    round_picks: int  # picks of the round so far, over all its batches


@dataclass(frozen=True)
class PersonalizeReport:
    """The outcome of a round: the session's round afterwards, time taken and per-step losses."""

    round: int
    seconds: float
    losses: list[dict[str, float]]
    stopped: bool = False


@dataclass(frozen=True)
class RoundView:
    """One model version of a session with the candidates it painted and their ratings (0 = not picked)."""

    round: int
    current: bool
    undone: bool
    seconds: float
    candidates: list[Candidate]
    ratings: dict[str, int]


@dataclass(frozen=True)
class Explanation:
    """What the rounds changed, as rows for plots and images (see explain.py)."""

    round: int
    losses_over_rounds: list[dict]  # step (counted across rounds), round, term, value
    style_layers: list[dict]  # layer, when, value: the last round's first vs last step
    layer_changes: list[dict]  # layer, change: relative weight change of the last round
    palettes: Image.Image  # the style image's, the picks' and the current candidates' palettes
    attention: Image.Image | None  # None where the generator has no self-attention
    taste_path: list[dict]  # round, painting, weight: which paintings the taste is made of, round by round (empty: no taste)
    taste_story: list[str]  # one line per round, in words: what it is made of and what the round changed
