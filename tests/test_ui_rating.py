"""The rating grid, driven by the keyboard only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import update

from desktop import clock
from desktop.models import RatingRound
from desktop.services.points import points
from desktop.services.ratings import ratings
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.rating_page import RatingPage
from tests.uiwait import settle


@pytest.fixture
def page(qtbot, db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    # the page on its own: the window's other pages are not what is tested here
    page = RatingPage(UiContext(db, admin))
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    page.village_box.setCurrentIndex(page.village_box.findData("柘城县逻岗镇/孙桥村"))
    yield page


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, button.window())


def test_stars_entered_with_arrows_and_space_then_published_and_confirmed(qtbot, page, db, admin):
    click(qtbot, page.new_button)
    assert page.info is not None and page.grid.hasFocus()
    first = page.info.rows[0].code
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # 增收致富
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # 移风易俗
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # …and off again
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # 户容整洁
    settle(qtbot, page)
    assert page.info.rows[0].stars == ["增收致富", "户容整洁"] and page.info.rows[0].points == 20
    assert page.grid.item(0, 2).text() == "★" and page.grid.item(0, 4).text() == ""
    assert "合计 20 分" in page.status.text()
    click(qtbot, page.publish_button)
    assert page.info.state == "published" and ratings.pending_points(db, first) == 20
    with db.write() as s:  # the notice period has passed
        s.execute(update(RatingRound).values(notice_end=clock.today() - timedelta(days=1)))
    click(qtbot, page.confirm_button)
    assert page.info.state == "confirmed" and "已记入" in page.status.text()
    assert points.balance(db, admin, first) == 20


def test_objections_are_raised_and_settled_on_the_page(qtbot, page, db):
    click(qtbot, page.new_button)
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)
    settle(qtbot, page)
    click(qtbot, page.publish_button)
    page.grid.setCurrentCell(0, 2)
    qtbot.keyClicks(page.objection_text, "not true")
    click(qtbot, page.object_button)
    assert page.objection_box.count() == 1 and "未处理异议 1 条" in page.status.text()
    with db.write() as s:
        s.execute(update(RatingRound).values(notice_end=clock.today() - timedelta(days=1)))
    click(qtbot, page.confirm_button)  # refused: an objection is open
    assert page.info.state == "published"
    box = page.window().findChild(QMessageBox, "errorBox")
    assert box is not None and "异议" in box.text()
    box.close()
    qtbot.keyClicks(page.outcome_edit, "checked, stays")
    click(qtbot, page.resolve_button)
    assert page.objection_box.count() == 0
    click(qtbot, page.confirm_button)
    assert page.info.state == "confirmed"


def test_a_new_round_for_a_village_and_month_that_exist_opens_the_existing_round(qtbot, page):
    click(qtbot, page.new_button)
    first = page.info.id
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)
    settle(qtbot, page)
    page.round_box.setCurrentIndex(-1)  # looking at nothing, as after a restart
    settle(qtbot, page)
    click(qtbot, page.new_button)  # same village, same month
    assert page.window().findChild(QMessageBox, "errorBox") is None
    assert page.info.id == first and page.round_box.currentData() == first
    assert page.info.rows[0].stars == ["增收致富"]  # the stars already given are still there
    assert "已经建立，已为您打开" in page.status.text()
    assert page.round_box.count() == 1
