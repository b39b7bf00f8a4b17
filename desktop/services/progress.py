"""Progress and cancel for long work, without Qt (the UI adapts it to signals)."""

from __future__ import annotations

from collections.abc import Callable

from desktop.errors import Cancelled


class Progress:
    """Passed into long services. `step()` reports and raises Cancelled once cancel() was called."""

    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self._cancelled = False
        self._last = -1

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def check(self) -> None:
        if self._cancelled:
            raise Cancelled()

    def step(self, done: int, total: int, text: str = "") -> None:
        self.check()
        if self._callback is None:
            return
        # Emit only on a visible change (whole percent), so a 40,000-row loop doesn't flood the GUI.
        percent = (100 * done // total) if total else 0
        if percent != self._last or text:
            self._last = percent
            self._callback(done, total, text)


NO_PROGRESS = Progress()
