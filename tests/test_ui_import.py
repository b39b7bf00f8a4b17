"""The import dialog on the real widgets: a good file, a bad file, and cancel."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from desktop.services.households import households
from desktop.ui.context import UiContext
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import LANE_THREADS, run_task
from tests.uiwait import settle


def open_dialog(qtbot, db, admin):
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    window.show_area("households")
    settle(qtbot, window)
    window.households.open_import()
    return window, window.households._import_dialog


def test_a_good_file_is_checked_previewed_then_imported(qtbot, db, admin, sample):
    window, dialog = open_dialog(qtbot, db, admin)
    qtbot.keyClicks(dialog.path_edit, str(sample("roster-small.xlsx")))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == ImportDialog.PREVIEW, timeout=20000)
    assert "新增 <b>40</b> 户" in dialog.preview_label.text()
    assert households.count(db) == 0  # checking wrote nothing
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == ImportDialog.DONE
    assert households.count(db) == 40
    settle(qtbot, window)
    assert window.households.model.rowCount() == 40  # the list refreshed itself


def test_a_bad_file_shows_every_error_and_writes_nothing(qtbot, db, admin, sample):
    _window, dialog = open_dialog(qtbot, db, admin)
    dialog.start_check(str(sample("roster-errors.xlsx")))
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == ImportDialog.ERRORS, timeout=20000)
    table = dialog.error_table
    assert table.rowCount() == 11
    assert (table.item(0, 0).text(), table.item(0, 1).text()) == ("3", "与户主关系")
    assert "11 处错误" in dialog.errors_label.text()
    assert dialog.open_errors_button.isEnabled() and dialog.errors_file.endswith("roster-errors.errors.xlsx")
    assert households.count(db) == 0


def test_cancel_stops_the_work_and_writes_nothing(qtbot, db, admin, sample):
    _window, dialog = open_dialog(qtbot, db, admin)
    gate = threading.Event()
    # Hold both workers of the read lane, so the check is still queued when 取消 is pressed.
    blockers = [
        run_task(
            lambda _p: gate.wait(10), on_success=lambda _r: None, on_failure=lambda _e: None, lane="read"
        )
        for _ in range(LANE_THREADS["read"])
    ]
    dialog.start_check(str(sample("roster-small.xlsx")))
    assert dialog.pages.currentIndex() == ImportDialog.WORKING
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == ImportDialog.CHOOSE, timeout=20000)
    assert households.count(db) == 0
    assert blockers


def test_a_junk_file_is_named_in_chinese_with_what_to_do(qtbot, db, admin, tmp_path, sample):
    """Not an English library message ("invalid Zip archive: Could not find EOCD"): what the file is, what to do."""
    import re

    from PySide6.QtWidgets import QMessageBox

    _window, dialog = open_dialog(qtbot, db, admin)
    roster = sample("roster-small.xlsx").read_bytes()
    cases = {
        "乱码.xlsx": b"PK\x03\x04" + bytes(range(256)) * 40,  # starts like a zip, is none
        "网页.xlsx": "<html><body><table><tr><td>张三</td></tr></table></body></html>".encode(),
        "半截.xlsx": roster[: len(roster) // 2],  # a copy that stopped halfway
    }
    for name, data in cases.items():
        junk = tmp_path / name
        junk.write_bytes(data)
        dialog.start_check(str(junk))
        qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "errorBox") is not None, timeout=20000)
        box = dialog.findChild(QMessageBox, "errorBox")
        text = box.text()
        box.close()
        box.deleteLater()
        qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "errorBox") is None)
        assert name in text and "不是有效的Excel文件" in text and "另存为" in text, text
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"Excel|WPS|xlsx|HTML", "", text.replace(name, ""))), (
            text
        )
        assert dialog.pages.currentIndex() == ImportDialog.CHOOSE
    assert households.count(db) == 0
