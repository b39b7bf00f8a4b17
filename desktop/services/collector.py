"""CPython's cyclic garbage collector held off while a bulk job builds many small objects (shared by the
window's background tasks and by services that build a county's lists)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_collector_lock = threading.Lock()
_collector_holds = 0  # tasks running with the cyclic collector held off
_collector_was_on = True
_start_up_held = False  # the entry point held the collector off for start-up (hold_start_up)
# new objects alive at the end of a hold that are frozen rather than walked (≈ 6 ms a walk)
FREEZE_OVER = 20_000


@contextmanager
def collector_held() -> Iterator[None]:
    """Hold CPython's cyclic garbage collector off while background work runs.

    A task that builds hundreds of thousands of objects (a county's overview, a ledger, a roster check) sets off
    full collections, and each walks every object of the process holding the GIL: the GUI thread stood still for
    100–600 ms at a time (docs/performance.md). Reference counting still frees what the work drops; the cycles it
    leaves are collected once the last task ends and the collector is back on. What the task returns is walked by
    the first collection after it (about 3 ms per 10,000 objects): a task returns what its page shows, not a
    county's whole list. When the work left many new objects alive (a module imported on a worker — matplotlib,
    ReportLab, the pages warmed by the window — or a county's list a page keeps), they are frozen out of the
    collector's reach instead: the first collection after the hold would otherwise walk them all at once with
    the GIL held (148 ms seen after the pages were warmed). What the tasks leave is almost never cyclic garbage
    (a count after each 帮扶计划 read found only its result), so little is kept that a collection would free."""
    global _collector_holds, _collector_was_on
    with _collector_lock:
        if _collector_holds == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _collector_holds += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_holds -= 1
            if _collector_holds == 0 and _collector_was_on:
                if gc.get_count()[0] > FREEZE_OVER:
                    gc.freeze()
                gc.enable()


def hold_start_up() -> None:
    """Called by the entry points (`python -m desktop`, the frozen launcher) before anything heavy is imported:
    start-up makes several hundred thousand objects that live as long as the process (SQLAlchemy, the models,
    the services, Qt's wrappers), and the full collections they set off walked them all again and again — about
    0.1 s of a 0.6 s command (docs/performance.md). start_up_done() turns it back on."""
    global _start_up_held
    _start_up_held = True
    gc.disable()


def start_up_done() -> None:
    """After the imports (a command about to run, the window shown): what start-up made is frozen out of the
    collector's reach and the collector is back on — at once, or when the last running hold ends. Does nothing
    unless hold_start_up() held it (tests and library callers keep their collector as it is)."""
    global _start_up_held, _collector_was_on
    with _collector_lock:
        if not _start_up_held:
            return
        _start_up_held = False
        gc.freeze()
        if _collector_holds:
            _collector_was_on = True
        else:
            gc.enable()
