"""The one way long work leaves the GUI thread: run_task(), with progress, cancel and a result.

Two lanes: writes (and anything that writes) go through a single worker (SQLite has one writer), like Anki's
collection executor; reads and drawing (PDFs, charts) through a second pool of two, so a long print never holds up
a sale (SQLite runs in WAL mode: readers do not wait for the writer). Results and errors come back to the GUI
thread through queued signals. No processEvents loops. Widgets reach this through desktop.ui.ops.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.services.collector import collector_held, start_up_done
from desktop.services.progress import Progress

_pools: dict[str, QThreadPool] = {}
_running: set[Task] = set()
LANE_THREADS = {"write": 1, "read": 2}


def freeze_start_up() -> None:
    """Move what start-up made (modules, classes, the window's widgets: ~270,000 objects that live as long as the
    process) out of the collector's reach, so each later full collection walks only what came after.
    Called once the window is up; the collector, held off by the entry point through start-up, goes back on."""
    gc.freeze()
    start_up_done()


def pool(lane: str = "write") -> QThreadPool:
    found = _pools.get(lane)
    if found is None:
        found = _pools[lane] = QThreadPool()
        found.setMaxThreadCount(LANE_THREADS[lane])
    return found


def busy() -> bool:
    """Whether any background task started here is still running (tests wait on this before teardown)."""
    return bool(_running)


def wait_all(msecs: int = 30000) -> bool:
    """Wait for every lane to drain (the window closing, tests' teardown)."""
    return all(p.waitForDone(msecs) for p in _pools.values())


class Task(QObject):
    """A handle on background work. Signals arrive on the GUI thread."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.progress = Progress(lambda done, total, text: self.progressed.emit(done, total, text))

    def cancel(self) -> None:
        self.progress.cancel()


class _Runner(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        task = self.task
        try:
            with collector_held():
                result = task.fn(task.progress)
        except Exception as exc:  # handed to the GUI thread, which shows it in Chinese
            task.failed.emit(exc)
        else:
            task.succeeded.emit(result)
        task.finished.emit()


def run_task(
    fn: Callable[[Progress], Any],
    *,
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    parent: QWidget | None = None,
    label: str = "",
    show_dialog: bool = False,
    lane: str = "write",
) -> Task:
    """Run fn(progress) on a lane's worker. With show_dialog, a modal progress dialog with 取消 follows it."""
    task = Task(fn)
    task.succeeded.connect(on_success, Qt.ConnectionType.QueuedConnection)
    task.failed.connect(on_failure, Qt.ConnectionType.QueuedConnection)
    _running.add(task)
    task.finished.connect(lambda: _running.discard(task), Qt.ConnectionType.QueuedConnection)
    if show_dialog:
        dialog = QProgressDialog(label or "正在处理……", "取消", 0, 100, parent)
        dialog.setWindowTitle("请稍候")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel)
        task.progressed.connect(
            lambda d, t, text: (
                dialog.setMaximum(max(t, 1)),
                dialog.setValue(d),
                text and dialog.setLabelText(text),
            )
        )
        task.finished.connect(dialog.close, Qt.ConnectionType.QueuedConnection)
    pool(lane).start(_Runner(task))
    return task
