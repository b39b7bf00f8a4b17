"""The main window's own duties: the status bar, the backup on exit through the ops, pages kept current."""

from __future__ import annotations

from desktop.services.system.backup import auto_backups, backup_folder
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle


def test_the_status_bar_names_the_database_and_the_user(qtbot, db, admin):
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    assert db.display_name in window.status_user.text() and admin.label in window.status_user.text()


def test_the_backup_on_exit_runs_on_the_write_lane_then_the_window_closes(qtbot, db, admin):
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    window.start_duties()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    settle(qtbot, window)
    taken = [p for _, p in auto_backups(backup_folder(db)) if p.name.startswith("auto-exit-")]
    assert len(taken) == 1


def test_a_write_elsewhere_refreshes_the_print_page_without_wiring(qtbot, db, admin):
    from desktop.services.demo import add_demo_households

    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    window.show_area("print")
    settle(qtbot, window)
    assert window.printing.village_box.count() == 0
    window.ctx.ops.write(window, lambda d, a: add_demo_households(d, a, 20), ("households",))
    settle(qtbot, window)
    assert window.printing.village_box.count() > 0
