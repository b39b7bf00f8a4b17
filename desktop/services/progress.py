"""Progress and cancel for long work, without Qt (the UI adapts it to signals)."""

from __future__ import annotations

from collections.abc import Callable

from desktop.errors import Cancelled


class Progress:
    """Passed into long services. `step()` reports and raises Cancelled once cancel() was called."""

    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self._cancelled = False
        self._last = (-1, "")

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
        # Emit only on a visible change (whole percent, or new words), so a 40,000-row loop doesn't flood the
        # GUI thread: each emit is a Python slot there, which waits for the GIL while the worker runs.
        shown = ((100 * done // total) if total else 0, text)
        if shown != self._last:
            self._last = shown
            self._callback(done, total, text)


NO_PROGRESS = Progress()
