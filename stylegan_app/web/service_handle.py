"""The service as the web layer holds it: built in the background so the first page is served before torch loads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stylegan_app.app.service import StyleService  # imports torch: only for type hints here


class ServiceHandle:
    """A StyleService, or a function that builds one; built on a background thread (at once, or when start() or the
    first use asks), waited for on first use."""

    def __init__(self, service: StyleService | Callable[[], StyleService], start: bool = True) -> None:
        self._service: StyleService | None = None
        self._error: Exception | None = None
        self._ready = threading.Event()
        self._factory: Callable[[], StyleService] | None = None
        self._lock = threading.Lock()
        if hasattr(service, "presets"):  # the service itself
            self._service = service
            self._ready.set()
        else:
            self._factory = service
            if start:
                self.start()

    def start(self) -> None:
        """Start building the service in the background (once; nothing where it is built or building)."""
        with self._lock:
            factory, self._factory = self._factory, None
        if factory is not None:
            threading.Thread(target=self._build, args=(factory,), daemon=True, name="build-service").start()

    def _build(self, factory: Callable[[], StyleService]) -> None:
        try:
            self._service = factory()
        except Exception as exc:  # noqa: BLE001 - shown by the first event that needs the service
            self._error = exc
        finally:
            self._ready.set()
        if self._service is not None:
            self._service.warm_up()  # after ready: the first Generate does not wait for it

    @property
    def ready(self) -> bool:
        """Whether the service is built (or failed to build)."""
        return self._ready.is_set()

    def get(self) -> StyleService:
        """The service, waiting for it to be built (starting the build if nothing has yet)."""
        self.start()
        self._ready.wait()
        if self._service is None:
            raise RuntimeError(f"The app could not start its service: {self._error or 'unknown error'}")
        return self._service
