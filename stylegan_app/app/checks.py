"""Checks on what callers pass to the service: a clear ValueError before anything is read or written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .stylizer import MAX_SIZE, MIN_SIZE


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


def check_size(size: int | None) -> None:
    """None (the photo's own size) or a whole number of pixels within the generator's limits."""
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE):
        raise ValueError(f"The output size must be between {MIN_SIZE} and {MAX_SIZE} pixels, not {size!r}.")


def check_strength(strength: float) -> float:
    """A style strength from 0 (the photo) to 1 (the painting)."""
    if isinstance(strength, bool) or not isinstance(strength, int | float) or not 0.0 <= float(strength) <= 1.0:
        raise ValueError(f"Style strength must be a number from 0 to 1, not {strength!r}.")
    return float(strength)
