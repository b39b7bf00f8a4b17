"""问题整改 on the real widgets: the list with the overdue marked, the steps one button each (销号 refused without
evidence), 首页's overdue problems opening the area, and 疑点核查's 转为整改问题."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop import clock
from desktop.services.problems import problems
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from desktop.ui.problems_page import OVERDUE, AddProblemDialog
from tests.uiwait import settle

HOUSEHOLD = "41142110220500019"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
TODAY = NOW.date()


@pytest.fixture
def window(qtbot, db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    common = dict(source="督查", level="household", household=HOUSEHOLD, responsible="王建军")
    problems.add(db, admin, text="门窗未安装到位", deadline=TODAY - timedelta(days=4), **common)
    problems.add(db, admin, text="厨房漏雨", deadline=TODAY + timedelta(days=9), **common)
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    settle(qtbot, w)
    yield w


def _error(window) -> str:
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None
    text = box.text()
    box.close()
    box.deleteLater()
    return text


def _open(window, qtbot):
    window.show_area("problems")
    page = window.problems
    settle(qtbot, window)
    return page


def test_the_list_marks_the_overdue_and_the_steps_go_in_order(window, qtbot, tmp_path):
    page = _open(window, qtbot)
    assert page.table.rowCount() == 2
    assert page.table.item(0, 8).text() == "整改中（逾期4天）" and page.table.item(1, 8).text() == "整改中"
    assert "逾期未销号1个" in page.summary.text()
    page.table.selectRow(0)
    settle(qtbot, window)
    assert "门窗未安装到位" in page.detail.text()
    assert not page.close_button.isEnabled() and page.submit_button.isEnabled()
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)  # no note of what was done
    settle(qtbot, window)
    assert "整改情况不能为空" in _error(window)
    qtbot.keyClicks(page.note_edit, "done 2026-11-19")  # typed (keyClicks takes ASCII only)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.table.item(0, 8).text() == "已整改待验收（逾期4天）"
    assert page.current_id() == page.rows[0].id and page.close_button.isEnabled()
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)  # no evidence yet
    settle(qtbot, window)
    assert "还没有整改佐证材料" in _error(window)
    photo = tmp_path / "门窗.png"
    Image.new("RGB", (60, 40), "green").save(photo)
    page.add_evidence([str(photo)])
    settle(qtbot, window)
    assert page.evidence.count() == 1 and "门窗.png" in page.evidence.item(0).text()
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.table.item(0, 8).text() == "已销号"
    assert "逾期未销号0个" in page.summary.text()
    assert not any(b.isEnabled() for b in (page.submit_button, page.close_button, page.evidence_button))
    page.grab().save(str(tmp_path / "problems.png"))


def test_a_problem_registered_in_the_dialog_appears_selected(window, qtbot):
    page = _open(window, qtbot)
    dialog = AddProblemDialog(page._villages, page)
    dialog.source.setCurrentText("审计")
    dialog.level.setCurrentIndex(dialog.level.findData("village"))
    assert dialog.village.isEnabled() and not dialog.household.isEnabled()
    dialog.text.setPlainText("村集体经济收益分配无公示")
    dialog.responsible.setText("赵会计")
    page.add_problem(dialog.values())
    settle(qtbot, window)
    assert page.table.rowCount() == 3
    assert page.rows[page.table.currentRow()].text == "村集体经济收益分配无公示"
    assert page.table.item(page.table.currentRow(), 2).text() == "村"
    page.state_box.setCurrentIndex(page.state_box.findData(OVERDUE))
    settle(qtbot, window)
    assert [p.text for p in page.rows] == ["门窗未安装到位"]


def test_home_lists_the_overdue_and_opens_them(window, qtbot):
    home = window.home
    qtbot.waitUntil(lambda: home.data is not None)
    assert home.overdue_button.text().startswith("逾期整改问题：1个")
    assert "门窗未安装到位" in home.overdue_list.text() and "逾期4天" in home.overdue_list.text()
    qtbot.mouseClick(home.overdue_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    page = window.problems
    assert window.pages.currentWidget() is page and page.state_box.currentData() == OVERDUE
    assert [p.text for p in page.rows] == ["门窗未安装到位"]


def test_a_finding_becomes_a_problem_in_one_click_once(window, qtbot):
    window.show_area("quality")
    settle(qtbot, window)
    quality_page = window.quality
    qtbot.mouseClick(quality_page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: quality_page.result is not None and quality_page.run_button.isEnabled(), timeout=30000
    )
    finding = quality_page.findings_shown()[0]
    quality_page.select(finding)
    assert quality_page.problem_button.isEnabled()
    qtbot.mouseClick(quality_page.problem_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "已转为整改问题第3号" in quality_page.summary.text()
    qtbot.mouseClick(quality_page.problem_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "已转为整改问题（第3号" in _error(window)
    page = _open(window, qtbot)
    made = next(p for p in page.rows if p.id == 3)
    assert (made.source, made.household, made.state) == ("自查", finding.household, "整改中")
    assert finding.message in made.text
