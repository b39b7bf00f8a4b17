"""The household page's rough edges (issue 17), driven through the real widgets offscreen at 1366×768."""

from __future__ import annotations

from datetime import date

import pdfplumber
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QScrollArea

from desktop import clock
from desktop.services.households import households
from desktop.services.households.search_keys import pinyin_keys
from desktop.services.plans import plans
from desktop.services.points import points
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import SYSTEM
from desktop.ui.context import UiContext
from desktop.ui.households_page import HouseholdsPage
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

CODE = "41142510220500008"  # 魏国福, 2 people


@pytest.fixture
def roster(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    plans.set_threshold(db, admin, clock.today().year, 400000, 400000, 500000)
    return db


@pytest.fixture
def window(qtbot, roster, admin):
    w = MainWindow(UiContext(roster, admin))
    qtbot.addWidget(w)
    w.resize(1366, 768)  # the clerks' laptops
    w.show()
    settle(qtbot, w)
    w.show_area("households")
    settle(qtbot, w)
    return w


def error_text(qtbot, window) -> str:
    settle(qtbot, window)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None
    text = box.text()
    box.close()
    box.setObjectName("seen")
    return text


def search(qtbot, page, text: str) -> None:
    page.filter_edit.setText(text)
    page.apply_filter()
    settle(qtbot, page)


def test_a_search_finding_nobody_clears_every_line_of_the_last_household(qtbot, window, roster, admin):
    points.award(roster, admin, CODE, 30, "星级评定")
    page = window.households
    page.show_household(CODE)
    settle(qtbot, window)
    assert page.detail.points_label.text().startswith("余额 30 分")
    page.tabs.setCurrentWidget(page.plan_tab)
    settle(qtbot, window)
    assert page.plan_tab.history_label.text().startswith("历史")
    page.tabs.setCurrentWidget(page.archive_tab)
    settle(qtbot, window)
    assert page.archive_tab.tree.topLevelItemCount() > 0

    search(qtbot, page, "不存在的人")
    assert page.count_label.text() == "共 0 户" and page.current_code is None
    d = page.detail
    assert d.title.text() == "请选择一户"
    assert (d.points_label.text(), d.facts.text(), d.income.text(), d.members.rowCount()) == ("", "", "", 0)
    tab = page.archive_tab
    assert tab.tree.topLevelItemCount() == 0 and tab.summary.text() == "" and tab.log.text() == ""
    page.tabs.setCurrentWidget(page.plan_tab)
    settle(qtbot, window)
    p = page.plan_tab
    assert "未选择" in p.colour_label.text()
    assert (p.history_label.text(), p.net_label.text(), p.measures.rowCount()) == ("", "", 0)
    assert all(e.text() == "" for e in p.income_edits.values())


def test_a_household_listed_for_another_member_names_that_member(qtbot, window, roster, admin):
    detail = households.detail(roster, admin, CODE)
    other = next(m for m in detail.members if m.name != detail.row.head_name)
    initials = pinyin_keys(other.name)[1]
    page = window.households
    assert page.table.isColumnHidden(2)  # nothing searched: no column for it
    search(qtbot, page, initials)
    row = next(r for r in range(page.model.rowCount()) if page.model.data(page.model.index(r, 0)) == CODE)
    assert page.model.headerData(2, Qt.Orientation.Horizontal) == "查到的成员"
    assert other.name in page.model.data(page.model.index(row, 2))
    assert not page.table.isColumnHidden(2)
    page.table.selectRow(row)
    settle(qtbot, window)
    member_row = next(
        r
        for r in range(page.detail.members.rowCount())
        if page.detail.members.item(r, 1).text() == other.name
    )
    assert page.detail.members.item(member_row, 1).toolTip() == "查找内容匹配了这位成员"
    # a head found by his own name needs no explaining
    search(qtbot, page, pinyin_keys(detail.row.head_name)[0])
    row = next(r for r in range(page.model.rowCount()) if page.model.data(page.model.index(r, 0)) == CODE)
    assert page.model.data(page.model.index(row, 2)) == ""


def test_the_colour_history_names_people_not_accounts(qtbot, window, roster, admin):
    year = clock.today().year
    plans.set_income(roster, admin, CODE, year, wage=2_000_000)
    plans.confirm_colour(roster, SYSTEM, CODE, year, "red", "演示数据")
    page = window.households
    page.show_household(CODE)
    page.tabs.setCurrentWidget(page.plan_tab)
    settle(qtbot, window)
    text = page.plan_tab.history_label.text()
    assert "红卡（系统 " in text and "system" not in text
    plans.confirm_colour(roster, admin, CODE, year, "yellow", "家中劳力外出不稳定")
    page.plan_tab.load(CODE)
    settle(qtbot, window)
    text = page.plan_tab.history_label.text()
    assert f"黄卡（{admin.display_name} " in text and "（admin " not in text


def test_money_is_typed_in_yuan_and_never_rounded(qtbot, window, roster, admin):
    page = window.households
    page.show_household(CODE)
    page.tabs.setCurrentWidget(page.plan_tab)
    settle(qtbot, window)
    tab = page.plan_tab
    for edit in tab.income_edits.values():
        edit.clear()
    tab.income_edits["wage"].setText("10.005")
    qtbot.mouseClick(tab.income_button, Qt.MouseButton.LeftButton)
    message = error_text(qtbot, window)
    assert "工资性收入" in message and "两位小数" in message
    tab.income_edits["wage"].setText("１,200.50")  # full-width from a Chinese input method
    qtbot.mouseClick(tab.income_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert plans.plan(roster, admin, CODE, clock.today().year).income.wage_fen == 120050
    assert tab.income_edits["wage"].text() == "1,200.50"
    tab.measure_text.setText("安排公益岗位")
    tab.measure_amount.setText("abc")
    qtbot.mouseClick(tab.measure_button, Qt.MouseButton.LeftButton)
    assert "措施金额" in error_text(qtbot, window)
    assert tab.measures.rowCount() == 0


def test_every_date_starts_at_todays_date_in_beijing(qtbot, roster, admin, monkeypatch):
    from desktop.ui.archive_tab import RecordDialog
    from desktop.ui.plan_tab import PlanTab

    monkeypatch.setattr(clock, "today", lambda: date(2031, 3, 4))
    tab = PlanTab(UiContext(roster, admin))
    qtbot.addWidget(tab)
    dialog = RecordDialog("贫困户申请书")
    qtbot.addWidget(dialog)
    assert tab.visit_date.date() == QDate(2031, 3, 4) and tab.year == 2031
    assert dialog.date_edit.date() == QDate(2031, 3, 4)


def test_at_1366_by_768_nothing_on_the_household_page_is_cut(qtbot, window):
    page = window.households
    page.show_household(CODE)
    settle(qtbot, window)
    header = page.table.horizontalHeader()
    kind = 6  # 户类型
    assert header.sectionViewportPosition(kind) + header.sectionSize(kind) <= page.table.viewport().width()
    page.tabs.setCurrentWidget(page.plan_tab)
    settle(qtbot, window)
    tab = page.plan_tab
    scroll = tab.findChild(QScrollArea)
    assert scroll.horizontalScrollBar().maximum() == 0  # nothing runs off the right edge
    for button in tab.findChildren(QPushButton):
        if button.isVisible():
            assert button.width() >= button.sizeHint().width(), button.text()
    net = tab.net_label
    assert net.width() >= net.fontMetrics().horizontalAdvance("人均纯收入：10,000.00 元")
    page.tabs.setCurrentWidget(page.archive_tab)
    settle(qtbot, window)
    for button in page.archive_tab.findChildren(QPushButton):
        if button.isVisible():
            assert button.width() >= button.sizeHint().width(), button.text()


def test_prints_go_to_the_print_collaborator_given_at_construction(qtbot, roster, admin, tmp_path):
    shown = []
    page = HouseholdsPage(UiContext(roster, admin), present_print=lambda *args, **kw: shown.append(args))
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    assert page.archive_tab.present_print is page.plan_tab.present_print
    page.show_household(CODE)
    page.tabs.setCurrentWidget(page.plan_tab)
    settle(qtbot, page)
    qtbot.mouseClick(page.plan_tab.card_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    filename, make, _label = shown[-1]
    assert filename == f"明白卡-{CODE}.pdf"
    printed = make(None, None, tmp_path / "x.pdf")  # already drawn: the print page only shows it
    with pdfplumber.open(printed.path) as pdf:
        assert "魏国福" in "".join(p.extract_text() or "" for p in pdf.pages)
