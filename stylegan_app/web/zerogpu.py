"""Running as a Hugging Face Space: `spaces.GPU` where the `spaces` package is present, a no-op elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

SECONDS_PER_MEGAPIXEL_CANDIDATE = 0.5  # generator forward plus saving the image, generous
SECONDS_PER_STEP = 0.3  # one personalisation or adaptation step on a GPU, generous
BASE_SECONDS = 15  # loading models and moving them to the GPU


def generate_seconds(n: int, size: int) -> int:
    """GPU seconds to ask for to paint n candidates with long side size."""
    return int(BASE_SECONDS + n * (size * size / 1e6) * SECONDS_PER_MEGAPIXEL_CANDIDATE)


def train_seconds(steps: int) -> int:
    """GPU seconds to ask for a round (or an adaptation) of the given number of steps."""
    return int(BASE_SECONDS + steps * SECONDS_PER_STEP)


def gpu(duration: Callable[..., int]) -> Callable[[F], F]:
    """spaces.GPU(duration=duration) on a Space; the function unchanged where `spaces` is not installed."""
    try:
        import spaces
    except ImportError:
        return lambda fn: fn
    return spaces.GPU(duration=duration)
