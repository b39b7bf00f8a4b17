"""公益岗位 on the real widgets: a post added, a holder picked from the village's eligible members, the month's
考核 saved from the grid and the month paid after the confirmation that shows the total; a second 发放 is not
offered, the 疑点 are listed, and the papers print from the page."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.services.posts import posts
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from desktop.ui.posts_page import AssignDialog, PostDialog
from tests.test_posts import MONTH, VILLAGE
from tests.test_posts import world as world  # the fixture
from tests.uiwait import settle


@pytest.fixture
def window(qtbot, world, admin):
    w = MainWindow(UiContext(world, admin))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    settle(qtbot, w)
    yield w


def _open(window, qtbot):
    window.show_area("posts")
    page = window.posts
    settle(qtbot, window)
    page.village_box.setCurrentIndex(page.village_box.findData(VILLAGE))
    page.month_edit.setText(MONTH)
    page.month_edit.editingFinished.emit()
    settle(qtbot, window)
    return page


def test_add_a_post_assign_a_holder_save_attendance_and_pay_the_month(
    window, qtbot, world, admin, monkeypatch
):
    page = _open(window, qtbot)
    assert page.table.rowCount() == 0
    assert "现有公益岗位0个" in page.findings.item(0).text()

    dialog = PostDialog(page)
    dialog.kind.setCurrentText("护路")
    dialog.name.setText("护路员（一组）")
    dialog.pay.setText("600")
    page.add_post(dialog.values())
    settle(qtbot, window)
    assert page.table.rowCount() == 1
    assert [page.table.item(0, c).text() for c in (1, 3, 4)] == ["护路员（一组）", "600.00", "（空缺）"]

    page.table.selectRow(0)
    assert page.assign_button.isEnabled()
    people = posts.candidates(world, admin, VILLAGE)
    picker = AssignDialog(page.rows[0], people, page)
    offered = [picker.member.itemData(i) for i in range(picker.member.count())]
    assert "P1" in offered and "P6" in offered
    assert "P3" not in offered and "P4" not in offered and "P5" not in offered  # a child, unable, exited
    page.assign(page.rows[0].id, "P1", date(2026, 11, 16))
    settle(qtbot, window)
    assert page.table.item(0, 4).text() == "张建国"

    assert page.grid.rowCount() == 1 and page.grid.item(0, 2).text() == "15"
    page.grid.cellWidget(0, 3).setValue(13)
    page.grid.cellWidget(0, 4).setCurrentText("合格")
    page.save_attendance()
    settle(qtbot, window)
    assert page.grid.item(0, 6).text() == "300.00"

    asked = []

    def yes(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    page.pay_button.click()
    settle(qtbot, window)
    assert "1人，合计300.00元" in asked[0]
    assert posts.paid_run(world, admin, VILLAGE, MONTH).total_fen == 30000
    assert "已发放" in page.grid_label.text()
    assert not page.pay_button.isEnabled() and not page.save_button.isEnabled()
    assert page.reverse_button.isEnabled()

    page.print_sheet()
    settle(qtbot, window)
    assert window.pages.currentWidget() is window.printing


def test_the_page_screenshot(window, qtbot, world, admin):
    for kind, name in (("护路", "护路员"), ("保洁", "保洁员")):
        posts.add_post(world, admin, VILLAGE, kind=kind, name=name, monthly_pay_fen=60000)
    page = _open(window, qtbot)
    assert page.table.rowCount() == 2
    assert any("现有公益岗位2个" in page.findings.item(i).text() for i in range(page.findings.count()))
    window.grab().save("/tmp/posts_page.png")
