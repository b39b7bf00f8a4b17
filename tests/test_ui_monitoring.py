"""The 防返贫监测 area on the real widgets: the screening fills the queue, a proposal is taken in with a type or left
out with a reason (none given: refused, nothing changes), and a case's steps are recorded one after the other."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop import clock
from desktop.services.monitoring import monitoring
from desktop.services.plans import plans
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
LOW, HIGH = "41142110220500019", "41142110220500026"


@pytest.fixture
def window(qtbot, db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    monitoring.set_line(db, admin, 2026, 700000)
    plans.set_income(db, admin, LOW, 2026, wage=100)
    plans.set_income(db, admin, HIGH, 2026, wage=200)
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.show_area("monitoring")
    settle(qtbot, w)
    return w


def _row_of(page, code: str) -> int:
    return next(i for i, p in enumerate(page.proposals) if p.code == code)


def test_screening_then_taking_in_and_leaving_out(window, qtbot):
    page = window.monitoring
    assert page.proposal_table.rowCount() == 0
    qtbot.mouseClick(page.screen_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    codes = [p.code for p in page.proposals]
    assert LOW in codes and HIGH in codes
    assert "新提出" in page.summary.text()
    # leaving one out needs a reason
    page.proposal_table.selectRow(_row_of(page, HIGH))
    qtbot.mouseClick(page.dismiss_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "原因" in box.text()
    box.close()
    assert HIGH in [p.code for p in page.proposals]
    page.dismiss_reason.setText("经核实有稳定务工收入")
    qtbot.mouseClick(page.dismiss_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert HIGH not in [p.code for p in page.proposals]
    # taking one in, as 突发严重困难户
    page.proposal_table.selectRow(_row_of(page, LOW))
    page.type_box.setCurrentText("突发严重困难户")
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert LOW not in [p.code for p in page.proposals]
    page.tabs.setCurrentIndex(1)
    (case,) = [c for c in page.cases if c.code == LOW]
    assert (case.case_type, case.state) == ("突发严重困难户", "including")
    row = page.cases.index(case)
    assert page.case_table.item(row, 6).text() == "村级评议"


def test_the_steps_are_recorded_in_order_from_the_page(window, qtbot, db, admin):
    cid = monitoring.open_case(db, admin, LOW, "边缘易致贫户", on=date(2026, 11, 2), note="农户申报")
    page = window.monitoring
    page.load()
    settle(qtbot, window)
    page.tabs.setCurrentIndex(1)
    page.select_case(cid)
    assert page.step_button.text() == "录入：村级评议" and page.step_button.isEnabled()
    assert not page.close_button.isEnabled()
    page.date_edit.setDate(qdate(date(2026, 11, 3)))
    page.note_edit.setText("村民代表大会评议通过")
    qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.step_button.text() == "录入：村公示" and page.days_spin.isEnabled()
    assert "村级评议" in page.steps_label.text() and "评议通过" in page.steps_label.text()
    # a date before the last step is refused with the dates named
    page.date_edit.setDate(qdate(date(2026, 11, 1)))
    qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "早于村级评议日期2026年11月3日" in box.text()
    box.close()
    page.date_edit.setDate(qdate(date(2026, 11, 4)))
    page.days_spin.setValue(5)
    qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "公示5天，至2026年11月8日" in page.steps_label.text()
    # the notice of the village's 村公示, shown in 公示打印
    qtbot.mouseClick(page.notice_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.pages.currentWidget() is window.printing


def test_the_household_tab_records_an_event_and_shows_the_history(window, qtbot, db, admin):
    monitoring.open_case(db, admin, LOW, "突发严重困难户", on=date(2026, 11, 2), note="农户申报")
    window.open_finding(LOW, "", (), "")
    page = window.households
    qtbot.waitUntil(lambda: page.current_code == LOW)
    tab = page.monitoring_tab
    page.tabs.setCurrentWidget(tab)
    settle(qtbot, window)
    assert "突发严重困难户，纳入程序中（下一步：村级评议）" in tab.state_label.text()
    assert "纳入·农户申报/干部排查" in tab.history.text()
    tab.kind_box.setCurrentText("因灾")
    tab.date_edit.setDate(qdate(date(2026, 11, 10)))
    tab.loss_edit.setText("1.234")  # a third decimal: refused, nothing written
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "损失或支出" in box.text()
    box.close()
    assert tab.events.rowCount() == 0
    tab.loss_edit.setText("12000")
    tab.note_edit.setText("大风吹倒大棚")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert tab.events.rowCount() == 1
    assert [tab.events.item(0, c).text() for c in range(4)] == [
        "2026年11月10日",
        "因灾",
        "12,000.00",
        "干部排查",
    ]


def test_a_measure_on_the_plan_tab_names_the_risk_it_addresses(window, qtbot, db, admin):
    event = monitoring.add_event(db, admin, LOW, "因病", date(2026, 10, 1), loss_fen=3_000_000)
    window.open_finding(LOW, "", (), "")
    page = window.households
    qtbot.waitUntil(lambda: page.current_code == LOW)
    tab = page.plan_tab
    page.tabs.setCurrentWidget(tab)
    settle(qtbot, window)
    assert [tab.measure_event.itemText(i) for i in range(tab.measure_event.count())] == [
        "不针对风险事件",
        "针对：2026年10月1日 因病",
    ]
    tab.measure_kind.setCurrentText("健康")
    tab.measure_text.setText("申请大病救助")
    tab.measure_event.setCurrentIndex(1)
    qtbot.mouseClick(tab.measure_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert plans.measures(db, admin, LOW)[-1].risk_event == event
    row = tab.measures.rowCount() - 1
    assert tab.measures.item(row, 5).text() == "2026年10月1日 因病"
