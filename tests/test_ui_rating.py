"""The rating grid, driven by the keyboard only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import update

from desktop import clock
from desktop.models import RatingRound
from desktop.services import points, ratings
from desktop.services.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow


@pytest.fixture
def page(qtbot, db, admin, sample):  # noqa: ANN001, ANN201
    import_roster(db, admin, sample("roster-small.xlsx"))
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    window.show_area("stars")
    page = window.rating
    page.village_box.setCurrentIndex(page.village_box.findData("柘城县逻岗镇/孙桥村"))
    yield page


def test_stars_entered_with_arrows_and_space_then_published_and_confirmed(qtbot, page, db, admin):
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.info is not None and page.grid.hasFocus()
    first = page.info.rows[0].code
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # 增收致富
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # 移风易俗
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # …and off again
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # 户容整洁
    assert page.info.rows[0].stars == ["增收致富", "户容整洁"] and page.info.rows[0].points == 20
    assert page.grid.item(0, 2).text() == "★" and page.grid.item(0, 4).text() == ""
    assert "合计 20 分" in page.status.text()
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    assert page.info.state == "published" and ratings.pending_points(db, first) == 20
    with db.write() as s:  # the notice period has passed
        s.execute(update(RatingRound).values(notice_end=clock.today() - timedelta(days=1)))
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    assert page.info.state == "confirmed" and "已记入" in page.status.text()
    assert points.balance(db, admin, first) == 20


def test_objections_are_raised_and_settled_on_the_page(qtbot, page, db):
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    page.grid.setCurrentCell(0, 2)
    qtbot.keyClicks(page.objection_text, "not true")
    qtbot.mouseClick(page.object_button, Qt.MouseButton.LeftButton)
    assert page.objection_box.count() == 1 and "未处理异议 1 条" in page.status.text()
    with db.write() as s:
        s.execute(update(RatingRound).values(notice_end=clock.today() - timedelta(days=1)))
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)  # refused: an objection is open
    assert page.info.state == "published"
    box = page.window().findChild(QMessageBox, "errorBox")
    assert box is not None and "异议" in box.text()
    box.close()
    qtbot.keyClicks(page.outcome_edit, "checked, stays")
    qtbot.mouseClick(page.resolve_button, Qt.MouseButton.LeftButton)
    assert page.objection_box.count() == 0
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    assert page.info.state == "confirmed"
