"""stylegan_app: personalised GAN style transfer. The public API is Settings, StyleService and Generator.

    from stylegan_app import Settings, StyleService, Generator

Settings needs nothing heavy; StyleService and Generator import torch, so they are imported on first use
(the web page comes up before torch is loaded).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .config import Settings

if TYPE_CHECKING:
    from .app.service import StyleService
    from .engine.generator import Generator

__all__ = ["Generator", "Settings", "StyleService"]
__version__ = "0.1.0"

_LAZY = {"StyleService": "stylegan_app.app.service", "Generator": "stylegan_app.engine.generator"}


def __getattr__(name: str):
    """StyleService and Generator, imported (with torch) when first asked for."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'stylegan_app' has no attribute {name!r}")
