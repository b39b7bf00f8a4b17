"""The household list and login, driven through the real widgets offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.main_window import MainWindow
from tests.conftest import ADMIN_PASSWORD
from tests.uiwait import settle


def type_text(qtbot, widget, text: str) -> None:
    """Keys for ASCII; Chinese arrives as an input-method commit, as it does from a real IME."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def window(qtbot, db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.show()
    assert w.households is not None  # made now (a page is made when first needed): it reads meanwhile
    settle(qtbot, w)
    return w


def test_the_list_shows_every_household_and_the_first_ones_details(window):
    page = window.households
    assert page.model.rowCount() == 40
    assert page.count_label.text() == "共 40 户"
    first_code = page.model.data(page.model.index(0, 0))
    assert first_code == min(page.model.data(page.model.index(r, 0)) for r in range(40))
    assert page.detail.title.text().endswith(f"（{first_code}）")
    assert page.detail.members.rowCount() >= 1


def test_model_passes_the_qt_model_tester(window, qtmodeltester):
    qtmodeltester.check(window.households.model)


@pytest.mark.parametrize(
    ("typed", "head"),
    [
        ("dcy", "董超玉"),
        ("董超", "董超玉"),
        ("42X", "董超玉"),
        ("41142410520800001", "董超玉"),
        ("dongchao", "董超玉"),
    ],
)
def test_filter_as_you_type_finds_by_initials_name_id_fragment_and_code(qtbot, window, typed, head):
    page = window.households
    type_text(qtbot, page.filter_edit, typed)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    settle(qtbot, page)
    assert page.model.data(page.model.index(0, 1)) == head
    assert page.detail.title.text().startswith(head)
    page.filter_edit.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 40)
    settle(qtbot, page)


def test_a_filter_matching_nothing_empties_the_detail_pane(qtbot, window):
    page = window.households
    type_text(qtbot, page.filter_edit, "不存在的人")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert page.count_label.text() == "共 0 户"
    assert page.detail.title.text() == "请选择一户"


def test_village_filter_and_sorting_by_header(qtbot, window):
    page = window.households
    index = next(
        i for i in range(page.village_box.count()) if page.village_box.itemText(i).startswith("孙桥村")
    )
    page.village_box.setCurrentIndex(index)
    settle(qtbot, page)
    villages = {page.model.data(page.model.index(r, 3)) for r in range(page.model.rowCount())}
    assert villages == {"孙桥村"}
    page.village_box.setCurrentIndex(0)
    settle(qtbot, page)
    header = page.table.horizontalHeader()
    point = QPoint(header.sectionViewportPosition(5) + header.sectionSize(5) // 2, header.height() // 2)

    def sizes():
        return [page.model.data(page.model.index(r, 5)) for r in range(page.model.rowCount())]

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    settle(qtbot, page)
    first = sizes()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    settle(qtbot, page)
    second = sizes()
    assert sorted([first, second]) == [sorted(first), sorted(first, reverse=True)]
    assert first != second


def test_every_area_of_the_sidebar_is_a_working_page(qtbot, window):
    from desktop.ui.main_window import AREAS

    for key, _title in AREAS:
        window.show_area(key)
        assert window.pages.currentWidget().objectName() != "comingSoon"
    # 帮扶计划 counts in the background: let it finish before the database goes away
    qtbot.waitUntil(lambda: "需要核实" in window.plans.status.text(), timeout=30000)


def test_ctrl_f_jumps_to_the_search_box(qtbot, window):
    window.show_area("system")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.households


def test_login_rejects_a_wrong_password_then_accepts_the_right_one(qtbot, db):
    dialog = LoginDialog(db, username="admin")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password_edit, "wrong")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "密码错误" in dialog.message.text(), timeout=20000)  # checked in the background
    assert dialog.actor is None
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=20000)
    assert dialog.actor.role == "admin"


def test_system_page_backs_up_and_checks(qtbot, window, tmp_path):
    window.show_area("system")
    page = window.system
    target = tmp_path / "backup.sqlite3"
    page.backup_to(str(target))
    qtbot.waitUntil(lambda: page.status.text().startswith("已备份到"), timeout=20000)
    assert target.exists()
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text().startswith("检查"), timeout=20000)
    assert page.status.text().startswith("检查通过")
    assert page.audit_table.item(0, 2).text() == "导入花名册"


def test_system_page_restores_a_backup_and_the_list_follows(qtbot, window, db, admin, sample, tmp_path):
    page = window.system
    target = tmp_path / "backup.sqlite3"
    page.backup_to(str(target))
    qtbot.waitUntil(lambda: target.exists() and page.status.text().startswith("已备份到"), timeout=20000)
    import_roster(db, admin, sample("roster-messy.xlsx"))
    window.reload_all()
    qtbot.waitUntil(lambda: window.households.model.rowCount() == 100)
    page.restore_from(str(target))
    qtbot.waitUntil(lambda: page.status.text().startswith("已恢复"), timeout=20000)
    qtbot.waitUntil(lambda: window.households.model.rowCount() == 40)
    settle(qtbot, window)  # the other pages' refreshes finish before the database goes away


def test_the_detail_pane_shows_points_and_their_history(qtbot, window, db, admin):
    from desktop.services.points import points

    points.award(db, admin, "41142410520800001", 30, "星级评定")
    page = window.households
    type_text(qtbot, page.filter_edit, "41142410520800001")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    settle(qtbot, page)
    text = page.detail.points_label.text()
    assert text.startswith("余额 30 分") and "评定积分 +30 星级评定" in text
