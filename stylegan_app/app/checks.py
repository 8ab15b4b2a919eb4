"""Checks on what callers pass to the service: a clear ValueError before anything is read or written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stylegan_app.config import Limits


def check_user_name(user: str | None) -> str | None:
    """None (anonymous) or a printable name of 1-100 characters."""
    if user is None:
        return None
    if not isinstance(user, str) or not 1 <= len(user.strip()) <= 100 or not user.isprintable():
        raise ValueError("A user name must be 1 to 100 printable characters.")
    return user.strip()


def check_candidate_ids(candidate_ids: Sequence[str]) -> list[str]:
    """A non-empty list of distinct candidate ids (a bare string is refused: it is not a list)."""
    if isinstance(candidate_ids, str) or not isinstance(candidate_ids, Sequence | set | frozenset):
        raise ValueError("Candidate ids must be given as a list.")
    ids = list(dict.fromkeys(candidate_ids))
    if not ids:
        raise ValueError("Pick at least one candidate.")
    if not all(isinstance(cid, str) for cid in ids):
        raise ValueError("Candidate ids must be strings.")
    return ids


def check_ratings(ratings: Mapping[str, int] | None, ids: list[str]) -> dict[str, int]:
    """Ratings for some of ids, each a whole number from 1 to 5."""
    if ratings is None:
        return {}
    if not isinstance(ratings, Mapping):
        raise ValueError("Ratings must map candidate ids to numbers from 1 to 5.")
    for cid, value in ratings.items():
        if cid not in ids:
            raise ValueError("A rating was given for a candidate that is not being picked.")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValueError(f"Ratings are whole numbers from 1 to 5, not {value!r}.")
    return dict(ratings)


def is_whole(value: object) -> bool:
    """An int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_size(size: int | None, limits: Limits) -> None:
    """None (the photo's own size) or a whole number of pixels within the limits."""
    if size is not None and (not is_whole(size) or not limits.min_size <= size <= limits.max_size):
        raise ValueError(f"The output size must be between {limits.min_size} and {limits.max_size} pixels, not {size!r}.")


def check_count(n: int, limits: Limits) -> None:
    """A number of candidates within the limits."""
    if not is_whole(n) or not 1 <= n <= limits.max_candidates:
        raise ValueError(f"The number of candidates must be between 1 and {limits.max_candidates}, not {n!r}.")


def check_seed(seed: int, limits: Limits) -> None:
    """A whole-number seed within the limits."""
    if not is_whole(seed) or not 0 <= seed <= limits.max_seed:
        raise ValueError(f"The seed must be a whole number between 0 and {limits.max_seed}, not {seed!r}.")


def check_steps(steps: int | None, limits: Limits) -> None:
    """None (the round's default) or a number of fine-tune steps within the limits."""
    if steps is not None and (not is_whole(steps) or not 1 <= steps <= limits.max_round_steps):
        raise ValueError(f"The number of steps must be between 1 and {limits.max_round_steps}, not {steps!r}.")


def check_strength(strength: float) -> float:
    """A style strength from 0 (the photo) to 1 (the painting)."""
    if isinstance(strength, bool) or not isinstance(strength, int | float) or not 0.0 <= float(strength) <= 1.0:
        raise ValueError(f"Style strength must be a number from 0 to 1, not {strength!r}.")
    return float(strength)
