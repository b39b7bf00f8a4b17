"""The operations layer itself: work off the GUI thread, one change signal after a write, pages kept current."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from desktop.errors import InputRejected
from desktop.services.points import points
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.ops import subscribe
from tests.uiwait import settle

HH = "41142410520800001"


@pytest.fixture
def ctx(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    return UiContext(db, admin)


def test_a_read_runs_off_the_gui_thread_and_answers_on_it(qtbot, ctx):
    page = QWidget()
    qtbot.addWidget(page)
    seen = {}

    def count(db, actor):
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        return points.balance(db, actor, HH)

    ctx.ops.read(page, count, lambda value: seen.update(value=value, gui=threading.current_thread()))
    assert not ctx.ops.idle
    settle(qtbot, ctx)
    assert seen["worker"] and seen["gui"] is threading.main_thread() and seen["value"] == 0


def test_a_write_says_once_what_it_changed_and_a_visible_page_refreshes(qtbot, ctx):
    page, hidden = QLabel(), QLabel()
    for w in (page, hidden):
        qtbot.addWidget(w)
    page.show()
    refreshed = {"shown": 0, "hidden": 0, "other": 0}
    subscribe(ctx.ops, page, {"points"}, lambda: refreshed.__setitem__("shown", refreshed["shown"] + 1))
    subscribe(ctx.ops, hidden, {"points"}, lambda: refreshed.__setitem__("hidden", refreshed["hidden"] + 1))
    subscribe(ctx.ops, page, {"fund"}, lambda: refreshed.__setitem__("other", refreshed["other"] + 1))
    button = QPushButton("发放")
    qtbot.addWidget(button)
    with qtbot.waitSignal(ctx.ops.changed) as signal:
        ctx.ops.write(
            button, lambda db, actor: points.award(db, actor, HH, 30, "测试"), {"points"}, busy=button
        )
        assert not button.isEnabled()  # busy while the write runs
    settle(qtbot, ctx)
    assert signal.args == [frozenset({"points"})]
    assert button.isEnabled()
    assert refreshed == {"shown": 1, "hidden": 0, "other": 0}
    hidden.show()  # a page not on screen catches up when it is shown, once
    assert refreshed["hidden"] == 1
    hidden.hide()
    hidden.show()
    assert refreshed["hidden"] == 1


def test_a_refused_write_shows_the_message_and_signals_nothing(qtbot, ctx):
    page = QWidget()
    qtbot.addWidget(page)
    page.show()
    changed = []
    ctx.ops.changed.connect(changed.append)

    def refuse(db, actor):
        raise InputRejected("积分：“-5”应为正整数")

    ctx.ops.write(page, refuse, {"points"}, title="积分未发放")
    settle(qtbot, ctx)
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and box.windowTitle() == "积分未发放" and "-5" in box.text()
    assert changed == []
    box.close()


def test_unknown_areas_are_a_programming_error(ctx):
    with pytest.raises(ValueError, match="unknown change areas"):
        ctx.ops.write(None, lambda db, actor: None, {"everything"})


def test_background_work_runs_without_the_cyclic_collector_and_gives_it_back(qtbot, ctx):
    """A full collection during a county-sized read held the GIL for hundreds of ms and froze the window; the
    collector is off while any task runs and on again once the last one has ended."""
    page = QWidget()
    qtbot.addWidget(page)
    seen = []
    assert gc.isenabled()
    ctx.ops.read(page, lambda db, actor: seen.append(gc.isenabled()), lambda _v: None)
    ctx.ops.read(page, lambda db, actor: seen.append(gc.isenabled()), lambda _v: None)
    settle(qtbot, ctx)
    assert seen == [False, False] and gc.isenabled()


def test_many_objects_a_task_leaves_alive_are_frozen_not_walked_on_the_gui_threads_time(qtbot, ctx):
    """After a hold the first collection walked every object the tasks left (a module imported on a worker:
    148 ms with the GIL held); above FREEZE_OVER they leave the collector's reach, below it nothing changes."""
    from desktop.services.collector import FREEZE_OVER

    page = QWidget()
    qtbot.addWidget(page)
    kept: list = []
    frozen = gc.get_freeze_count()
    ctx.ops.read(page, lambda db, actor: kept.append([[n] for n in range(100)]), lambda _v: None)
    settle(qtbot, ctx)
    assert gc.get_freeze_count() == frozen and gc.isenabled()
    ctx.ops.read(page, lambda db, actor: kept.append([[n] for n in range(2 * FREEZE_OVER)]), lambda _v: None)
    settle(qtbot, ctx)
    assert gc.get_freeze_count() >= frozen + 2 * FREEZE_OVER and gc.isenabled()
