"""小额信贷 on the real widgets: the loan list over its model with the overdue marked and filtered, a loan's entries
with a repayment recorded and reversed one button each, the 新增贷款 dialog's eligibility check, the
administrator's override, and 首页's due/overdue card opening the area."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop import clock
from desktop.services.loans import loans
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.loans_page import AddLoanDialog
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
ZHOUTANG = ("41142310221200005", "411423197902063242")  # 王丽志
WANGLOU = ("41142110420200002", "411421198307047557")  # 周德顺
YOUNG = ("41142310320800007", "411423200301188511")  # 高强梅, born 2003-01-18


def _app(who, contract, start, due, **kw):
    return loans.Application(household=who[0], borrower=who[1], bank="农商银行", contract_no=contract,
                             amount_fen=3_000_000, start_on=start, due_on=due, rate_bp=435, **kw)  # fmt: skip


@pytest.fixture
def window(qtbot, db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    loans.add(db, admin, _app(ZHOUTANG, "LATE-1", date(2024, 11, 1), date(2026, 11, 1)))
    ok = loans.add(db, admin, _app(WANGLOU, "OK-1", date(2026, 10, 1), date(2026, 12, 10)))
    assert ok
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
    window.show_area("loans")
    settle(qtbot, window)
    return window.loans


def test_the_list_marks_the_overdue_filters_and_records_then_reverses(window, qtbot, tmp_path):
    page = _open(window, qtbot)
    model = page.model
    assert model.rowCount() == 2
    states = [model.index(r, 9).data() for r in range(2)]
    assert states[0].startswith("逾期") and states[1] == "正常"
    assert model.index(0, 9).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "逾期1笔" in page.summary.text()
    page.state_box.setCurrentIndex(page.state_box.findData("逾期"))
    settle(qtbot, window)
    assert [x.contract_no for x in model.loans] == ["LATE-1"]
    page.state_box.setCurrentIndex(0)
    settle(qtbot, window)
    page.select_loan(model.loans[1].id)
    settle(qtbot, window)
    assert "OK-1" in page.detail.text() and page.repay_button.isEnabled()
    page.record("repay", {"principal": "1000", "interest": "0", "on": date(2026, 11, 1), "note": "提前还款"})
    settle(qtbot, window)
    assert page.entries.rowCount() == 1 and page.entries.item(0, 3).text() == "1,000.00"
    assert model.index(1, 7).data() == "29,000.00"
    page.entries.selectRow(0)
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)  # no reason given
    settle(qtbot, window)
    assert "冲正理由不能为空" in _error(window)
    page.entries.selectRow(0)
    qtbot.keyClicks(page.reason_edit, "wrong amount")
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.entries.rowCount() == 2 and "已被第" in page.entries.item(0, 7).text()
    assert model.index(1, 7).data() == "30,000.00"
    page.tabs.setCurrentIndex(2)
    settle(qtbot, window)
    assert page.overdue_table.rowCount() == 1 and "逾期率（按村）" in page.rates.text()
    page.tabs.setCurrentIndex(1)
    assert page.due_table.rowCount() == 1 and page.due_table.item(0, 6).text() == "20"
    page.tabs.setCurrentIndex(0)
    window.grab().save(str(tmp_path / "loans.png"))


def test_the_add_dialog_checks_and_an_admin_overrides(window, qtbot):
    page = _open(window, qtbot)
    dialog = AddLoanDialog(page.ctx, page)
    settle(qtbot, window)  # the banks already lending are offered
    assert dialog.bank.currentText() == "农商银行"
    dialog.household.setText(YOUNG[0])
    dialog.borrower.setText(YOUNG[1])
    dialog.contract.setText("NEW-1")
    dialog.amount.setText("50000.01")
    dialog.start.setDate(date(2021, 1, 17))
    dialog.due.setDate(date(2024, 1, 17))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert dialog.refusals == ["借款人高强梅放款日17周岁，不在18～65周岁之间", "贷款金额50,000.01元超过50,000.00元",
                               "该户未还贷款本金0.00元，加上本笔共50,000.01元，超过每户50,000.00元"]  # fmt: skip
    assert "不符合贷款条件" in dialog.verdict.text()
    dialog.amount.setText("50000")
    dialog.start.setDate(date(2021, 1, 18))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert dialog.refusals == [] and "符合贷款条件" in dialog.verdict.text()
    dialog.start.setDate(date(2021, 1, 17))
    page.add_loan(dialog.application())  # refused, nothing written
    settle(qtbot, window)
    assert "不符合贷款条件" in _error(window) and page.model.rowCount() == 2
    assert dialog.override.isEnabled()
    dialog.override.setText("县扶贫办特批")
    page.add_loan(dialog.application(), dialog.override.text())
    settle(qtbot, window)
    assert page.model.rowCount() == 3
    chosen = page.model.loans[page.table.currentIndex().row()]
    assert chosen.contract_no == "NEW-1" and page.model.index(2, 9).data().endswith("·特批")
    assert "特批登记" in page.detail.text() and "县扶贫办特批" in page.detail.text()
    dialog.close()


def test_home_counts_due_and_overdue_and_opens_the_area(window, qtbot):
    home = window.home
    qtbot.waitUntil(lambda: home.data is not None)
    assert home.loans_button.text().startswith("小额信贷：30天内到期1笔，逾期1笔")
    qtbot.mouseClick(home.loans_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.pages.currentWidget() is window.loans and window.loans.tabs.currentIndex() == 2
