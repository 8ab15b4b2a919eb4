"""The taste: where a session stands in a multi-style network's space of style codes, and how picks move it.

A taste is a mix of the network's painting codes plus a free offset, code = sum_k mix_k * codes_k + offset: a preset is
a one-hot mix, a mix of presets its weights, a painting the network never saw the blend its code was fitted from plus
the rest of that code as the offset. Part of every batch explores around the taste (each such candidate is moved a
share of the way toward one other painting), so the picks say which way the user wants to go, and a round moves the
mix contrastively, from what was shown toward what was picked, before any gradient step: the next batch moves at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Taste:
    """A point in a multi-style network's code space: mix (n_styles,) non-negative, summing to 1; offset (style_dim,)."""

    mix: tuple[float, ...]
    offset: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.mix or any(not math.isfinite(w) or w < 0 for w in self.mix) or not math.isclose(sum(self.mix), 1.0, rel_tol=1e-4):
            raise ValueError("A taste's mix needs non-negative weights that sum to 1.")
        if any(not math.isfinite(v) for v in self.offset):
            raise ValueError("A taste's offset must be finite.")

    @classmethod
    def of_mix(cls, weights: Sequence[float], style_dim: int) -> Taste:
        """A mix of the paintings (weights in code order, normalised here) with no offset."""
        total = float(sum(weights))
        if total <= 0 or any(w < 0 for w in weights):
            raise ValueError("A mix needs non-negative weights, not all zero.")
        return cls(tuple(float(w) / total for w in weights), (0.0,) * style_dim)

    @classmethod
    def of_code(cls, code: torch.Tensor, mix: torch.Tensor, codes: torch.Tensor) -> Taste:
        """The taste whose code is `code` (style_dim,): the blend `mix` (n_styles,) of codes (n_styles, style_dim) plus the rest."""
        mix = mix.detach().float().cpu() / mix.sum()
        offset = code.detach().float().cpu() - mix @ codes.detach().float().cpu()
        return cls(tuple(mix.tolist()), tuple(offset.tolist()))

    def mixes(self, mixes: Sequence[Sequence[float] | None]) -> torch.Tensor:
        """(N, n_styles): each candidate's mix, this taste's own where a candidate has none (None)."""
        return torch.tensor([list(self.mix) if mix is None else list(mix) for mix in mixes], dtype=torch.float32)

    def codes(self, mixes: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """(N, n_styles) mixes -> (N, style_dim) codes, each with this taste's offset."""
        return mixes.to(codes) @ codes + torch.tensor(self.offset, dtype=codes.dtype, device=codes.device)

    def code(self, codes: torch.Tensor) -> torch.Tensor:
        """(style_dim,): this taste's own code."""
        return self.codes(torch.tensor([self.mix]), codes)[0]

    def to_json(self) -> dict:
        """The taste as stored with a model version."""
        return {"mix": list(self.mix), "offset": list(self.offset)}

    @classmethod
    def from_json(cls, data: dict) -> Taste:
        """The inverse of to_json."""
        return cls(tuple(float(w) for w in data["mix"]), tuple(float(v) for v in data["offset"]))


def explore(taste: Taste, n: int, seed: int, fraction: float, step: float) -> torch.Tensor:
    """(n, n_styles) mixes of a batch: each of the first round(n * fraction) is moved a share of the way (between step / 2
    and step, seeded) toward one painting, a different one each where there are enough; the rest are the taste itself.

    The explorers are what lets picks tell the taste where to go: a pick among them says "more of that painting". They
    come first because the last candidates of a batch take z from the prior (Proposal.sample): the two kinds of
    exploration fall on different candidates.
    """
    mix = torch.tensor(taste.mix)
    mixes = mix.repeat(n, 1)
    n_explore = min(n, round(n * fraction))
    if n_explore == 0 or len(taste.mix) < 2:
        return mixes
    rng = torch.Generator().manual_seed(seed)
    others = torch.tensor([k for k in range(len(taste.mix)) if k != int(mix.argmax())])
    order = others[torch.randperm(len(others), generator=rng)]
    shares = step * (0.5 + 0.5 * torch.rand(n_explore, generator=rng))
    for i in range(n_explore):
        toward = torch.zeros_like(mix)
        toward[order[i % len(order)]] = 1.0
        mixes[i] = (1 - shares[i]) * mix + shares[i] * toward
    return mixes


def move_taste(taste: Taste, shown: torch.Tensor, ratings: torch.Tensor, beta: float, max_step: float) -> Taste:
    """The taste moved by beta * (rating-weighted mean of the picked mixes - mean of the shown mixes), the step's L1 norm
    capped at max_step, then kept a mix (negative weights cut, normalised); the offset stays.

    shown: (N, n_styles) mixes of the candidates shown; ratings: (N,), 0 = not picked. Picking only what the taste itself
    paints moves it away from the explored paintings; picking an explorer moves it toward that painting.
    """
    if shown.ndim != 2 or shown.shape[1] != len(taste.mix) or ratings.shape != (shown.shape[0],):
        raise ValueError(f"A taste move needs one rating per shown mix of {len(taste.mix)} weights.")
    if (ratings < 0).any() or not (ratings > 0).any():
        raise ValueError("A taste move needs at least one pick and no negative rating.")
    weights = ratings.float() / ratings.float().sum()
    step = beta * ((weights[:, None] * shown.float()).sum(0) - shown.float().mean(0))
    norm = float(step.abs().sum())
    if norm > max_step:
        step = step * (max_step / norm)
    mix = (torch.tensor(taste.mix) + step).clamp_min(0.0)
    return Taste(tuple((mix / mix.sum()).tolist()), taste.offset)


def strongest(taste: Taste, names: Sequence[str], k: int = 3, floor: float = 0.05) -> list[tuple[str, float]]:
    """The taste's k largest painting weights at or above floor, as (name, weight), largest first."""
    if len(names) != len(taste.mix):
        raise ValueError(f"{len(names)} names for a mix of {len(taste.mix)} paintings.")
    ranked = sorted(zip(names, taste.mix, strict=True), key=lambda item: -item[1])
    return [(name, weight) for name, weight in ranked[:k] if weight >= floor]
