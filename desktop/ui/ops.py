"""The one way from a widget to the database (Anki's CollectionOp / QueryOp): `read` and `write`.

A widget never holds the Database. It hands an operation `fn(db, actor)` to `ctx.ops`; the operation runs off the
GUI thread and its result comes back to `on_done` on the GUI thread. Errors go through `show_error` (or the
caller's `on_failure`). While an operation runs, the calling widget shows a busy cursor; a write also disables the
widget given as `busy` (by default none, so a till stays usable).

Writes run one at a time on the write lane (SQLite has one writer; the service owns the transaction — one button,
one transaction). Reads and drawing (PDFs, charts) run on the read lane, two at a time, so a long print never
holds up a sale. After a write succeeds, `changed` is emitted once with the areas it touched; pages subscribe
(`subscribe`) and refresh what they show when they are visible, or when they are next shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from desktop.db import Database
from desktop.services.system.actor import Actor
from desktop.ui.messages import show_error
from desktop.ui.tasks import Task, run_task

# What a write may say it changed. A page subscribes to the areas it shows.
AREAS = frozenset(
    {
        "households",  # roster, members, household fields
        "points",  # points ledger, ratings' awards
        "stock",  # goods, stock movements, stores
        "redemptions",  # sales at the counter and their reversals
        "packs",  # the village counter offline: packs out, merges, conflicts
        "fund",  # 孝善基金: funds, supporters, contributions, payouts
        "archives",  # 一户一档 items and copies
        "plans",  # 一户一策: income, colours, measures, visits, checks
        "ratings",  # star-rating rounds
        "identification",  # identification rounds
        "monitoring",  # 防返贫监测: risk events, screening, cases and their steps
        "quality",  # 疑点核查 runs and their handling
        "problems",  # 问题整改: problems, their steps and evidence
        "projects",  # 项目库: projects, their steps, contracts and disbursements
        "posts",  # 公益岗位: posts, holders, attendance, wage runs
        "loans",  # 小额信贷: loans, repayments, 贴息, 展期
        "settings",  # office settings, thresholds, checklists, audit rules
        "users",  # accounts
        "backups",  # backup files
    }
)


class Ops(QObject):
    """Owned by the UiContext; one per window."""

    changed = Signal(object)  # frozenset[str]: the areas a finished write touched
    idle_changed = Signal(bool)

    def __init__(self, db: Database, actor: Actor) -> None:
        super().__init__()
        self._db = db
        self.actor = actor
        self._running = 0

    # --- what tests and the window look at -----------------------------------------------------------------

    @property
    def idle(self) -> bool:
        """No operation is running or waiting (tests wait on this instead of sleeping)."""
        return self._running == 0

    @property
    def display_name(self) -> str:
        """Where the data lives, for the title bar and the about box (not a handle on it)."""
        return self._db.display_name

    # --- the two operations --------------------------------------------------------------------------------

    def read(
        self,
        parent: QWidget | None,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        on_failure: Callable[[Exception], None] | None = None,
        title: str = "无法读取",
        label: str = "",
        progress: bool = False,
        dialog: bool = False,
    ) -> Task:
        """Run fn(db, actor) — or fn(db, actor, progress) with progress=True — on the read lane."""
        return self._start(
            parent, fn, on_done, on_failure, title, label, progress, dialog, None, "read", None
        )

    def write(
        self,
        parent: QWidget | None,
        fn: Callable[..., Any],
        changes: Iterable[str],
        on_done: Callable[[Any], None] | None = None,
        *,
        on_failure: Callable[[Exception], None] | None = None,
        title: str = "未保存",
        label: str = "",
        progress: bool = False,
        dialog: bool = False,
        busy: QWidget | None = None,
    ) -> Task:
        """Run fn(db, actor) on the write lane; on success call on_done(result), then emit `changed`."""
        areas = frozenset(changes)
        unknown = areas - AREAS
        if unknown:
            raise ValueError(f"unknown change areas: {sorted(unknown)}")
        return self._start(
            parent, fn, on_done, on_failure, title, label, progress, dialog, busy, "write", areas
        )

    # --- plumbing ------------------------------------------------------------------------------------------

    def _start(
        self,
        parent: QWidget | None,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None,
        on_failure: Callable[[Exception], None] | None,
        title: str,
        label: str,
        progress: bool,
        dialog: bool,
        busy: QWidget | None,
        lane: str,
        areas: frozenset[str] | None,
    ) -> Task:
        db, actor = self._db, self.actor

        def work(p):
            return fn(db, actor, p) if progress else fn(db, actor)

        self._begin(parent, busy)

        def succeeded(result: Any) -> None:
            self._end(parent, busy)
            try:
                if on_done is not None and (parent is None or isValid(parent)):  # not into a closed page
                    on_done(result)
            finally:
                if areas:
                    self.changed.emit(areas)

        def failed(exc: Exception) -> None:
            self._end(parent, busy)
            if on_failure is not None and (parent is None or isValid(parent)):
                on_failure(exc)
            else:
                alive = parent is not None and isValid(parent)
                show_error(parent.window() if alive else None, exc, title)

        return run_task(
            work,
            on_success=succeeded,
            on_failure=failed,
            parent=parent,
            label=label,
            show_dialog=dialog,
            lane=lane,
        )

    def _begin(self, parent: QWidget | None, busy: QWidget | None) -> None:
        self._running += 1
        if self._running == 1:
            self.idle_changed.emit(False)
        if parent is not None:
            parent.setCursor(Qt.CursorShape.BusyCursor)
        if busy is not None:
            busy.setEnabled(False)

    def _end(self, parent: QWidget | None, busy: QWidget | None) -> None:
        self._running -= 1
        if parent is not None and isValid(parent):  # the page may have closed while its work ran
            parent.unsetCursor()
        if busy is not None and isValid(busy):
            busy.setEnabled(True)
        if self._running == 0:
            self.idle_changed.emit(True)


def subscribe(ops: Ops, page: QWidget, areas: Iterable[str], refresh: Callable[[], None]) -> None:
    """Call refresh() after a write touching any of `areas`: now if the page is visible, else when next shown.

    The page keeps showing current data without another page wiring it by hand."""
    wanted = frozenset(areas)
    unknown = wanted - AREAS
    if unknown:
        raise ValueError(f"unknown change areas: {sorted(unknown)}")
    state = {"stale": False}

    def on_changed(changes: frozenset[str]) -> None:
        if not changes & wanted or not isValid(page):
            return
        if page.isVisible():
            refresh()
        else:
            state["stale"] = True

    class _ShowFilter(QObject):
        def eventFilter(self, obj, event) -> bool:
            from PySide6.QtCore import QEvent

            if event.type() == QEvent.Type.Show and state["stale"]:
                state["stale"] = False
                refresh()
            return False

    show_filter = _ShowFilter(page)
    page.installEventFilter(show_filter)
    ops.changed.connect(on_changed)
    # a deleted page must not be called: disconnect with it
    page.destroyed.connect(lambda *_: _disconnect(ops, on_changed))


def _disconnect(ops: Ops, slot: Callable) -> None:
    try:
        ops.changed.disconnect(slot)
    except (RuntimeError, TypeError):  # ops already gone with the window
        pass
