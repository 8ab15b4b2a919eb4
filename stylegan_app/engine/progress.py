"""The one progress callback every long job takes: progress(fraction done in [0, 1], what is happening, in words)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float, str], None]
