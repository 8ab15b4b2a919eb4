"""The taste's path over rounds, for people: which paintings it is made of, and what each round changed, in words.

The paintings come from the taste's mix; the brushwork from the proposal over z, whose first seven dimensions choose
the loss each candidate was trained with (style_targets.py): z[0:2] the fine style layers and z[2:4] the coarse ones,
z[4] the content weight (how close to the photo), z[5] the stroke scale, z[6] the palette's hue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .taste import Taste

SHOWN_WEIGHT = 0.05  # a painting appears on the path once its weight reaches this in some round
PAINTING_CHANGE = 0.05  # a change of a painting's weight worth saying
KNOB_CHANGE = 0.25  # a change of the proposal's mean along a z knob worth saying (z is standard normal at first)
# (what the knob reads as when it rises, when it falls), per knob: a function of the proposal's mean z.
KNOBS = (
    (lambda z: (z[0] + z[1] - z[2] - z[3]) / 2, "finer texture", "bolder, coarser texture"),
    (lambda z: z[4], "closer to your photo", "more abstract"),
    (lambda z: z[5], "larger strokes", "smaller strokes"),
)


@dataclass(frozen=True)
class RoundTaste:
    """What a round's model version holds of the taste: its round, mix (None for a single-style model) and mean z."""

    round: int
    taste: Taste | None
    z_mean: tuple[float, ...]


def path_rows(rounds: Sequence[RoundTaste], names: Sequence[str]) -> list[dict]:
    """Long-format rows (round, painting, weight) for a plot: the paintings that reach SHOWN_WEIGHT in some round."""
    tasted = [r for r in rounds if r.taste is not None]
    shown = {k for r in tasted for k, w in enumerate(r.taste.mix) if w >= SHOWN_WEIGHT}
    return [{"round": r.round + 1, "painting": names[k], "weight": r.taste.mix[k]} for r in tasted for k in sorted(shown)]


def made_of(taste: Taste, names: Sequence[str], k: int = 3) -> str:
    """E.g. "62% The Great Wave, 30% The Night Café": the largest weights, at least SHOWN_WEIGHT."""
    ranked = sorted(zip(names, taste.mix, strict=True), key=lambda item: -item[1])[:k]
    return ", ".join(f"{w:.0%} {name}" for name, w in ranked if w >= SHOWN_WEIGHT)


def change_words(before: RoundTaste, after: RoundTaste, names: Sequence[str]) -> list[str]:
    """What changed from one round to the next, in words: "more of The Night Café", "less of The Great Wave", "finer texture"."""
    words = []
    if before.taste is not None and after.taste is not None:
        deltas = [(k, b - a) for k, (a, b) in enumerate(zip(before.taste.mix, after.taste.mix, strict=True))]
        worth = sorted(((k, d) for k, d in deltas if abs(d) >= PAINTING_CHANGE), key=lambda item: (item[1] < 0, -abs(item[1])))
        words += [f"{'more' if d > 0 else 'less'} of {names[k]}" for k, d in worth[:3]]  # gains first
    if len(before.z_mean) >= 7 and len(after.z_mean) >= 7:
        for knob, rising, falling in KNOBS:
            d = knob(after.z_mean) - knob(before.z_mean)
            if abs(d) >= KNOB_CHANGE:
                words.append(rising if d > 0 else falling)
    return words


def path_story(rounds: Sequence[RoundTaste], names: Sequence[str]) -> list[str]:
    """One line per round: what the taste is made of and what the round changed, e.g.
    "Round 2: more of The Night Café, smaller strokes (now 62% The Great Wave, 30% The Night Café)"."""
    lines = []
    for i, current in enumerate(rounds):
        made = f"now {made_of(current.taste, names)}" if current.taste is not None else ""
        if i == 0:
            lines.append(f"Round 1: where you started{f' ({made})' if made else ''}")
            continue
        words = change_words(rounds[i - 1], current, names) or ["small changes only"]
        lines.append(f"Round {current.round + 1}: {', '.join(words)}{f' ({made})' if made else ''}")
    return lines
