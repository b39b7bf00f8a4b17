"""The 孝善基金 page: contribution entry from a pile of receipts, and the payout run previewed then booked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop import clock
from desktop.services import fund
from desktop.services.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow

VILLAGE = "柘城县逻岗镇/孙桥村"
ELDER = "4114241052080000101"


@pytest.fixture
def page(qtbot, db, admin, sample):  # noqa: ANN001, ANN201
    import_roster(db, admin, sample("roster-small.xlsx"))
    fund.create_fund(db, admin, VILLAGE, match_percent=10, match_cap_fen=1500)
    sid = fund.add_supporter(db, admin, VILLAGE, ELDER, "董平花", relation="之女")
    fund.pledge(db, admin, sid, 20000, f"{clock.today():%Y-%m}")
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    window.show_area("fund")
    yield window.fund


def test_a_receipt_needs_only_its_number(qtbot, page):
    page.tabs.setCurrentIndex(1)
    # The next due month and the pledged amount are filled in; the clerk types the receipt number and Enter.
    assert page.months_edit.text() == f"{clock.today():%Y-%m}" and page.amount_edit.text() == "200.00"
    qtbot.keyClicks(page.receipt_edit, "A0001")
    qtbot.keyClick(page.receipt_edit, Qt.Key.Key_Return)
    assert page.recorded.rowCount() == 1 and page.recorded.item(0, 3).text() == "15.00"
    assert "余额 <b>200.00</b>" in page.overview.text()
    # The next receipt for the same supporter moves on to the next month by itself.
    assert page.months_edit.text() == fund.next_month(f"{clock.today():%Y-%m}")


def test_the_payout_run_is_previewed_and_refused_when_the_fund_is_short(qtbot, page, db, admin):
    page.tabs.setCurrentIndex(1)
    qtbot.keyClicks(page.receipt_edit, "A0002")
    qtbot.keyClick(page.receipt_edit, Qt.Key.Key_Return)
    page.tabs.setCurrentIndex(2)
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert page.payout_table.rowCount() == 1 and "余额不足" in page.payout_label.text()
    assert not page.pay_button.isEnabled()
    fund.donate(db, admin, VILLAGE, "县慈善会", 50000)
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert page.payout_table.item(0, 4).text() == "215.00" and page.pay_button.isEnabled()
    qtbot.mouseClick(page.pay_button, Qt.MouseButton.LeftButton)
    assert "已发放 1 位老人" in page.payout_label.text()
    assert fund.status(db, admin, VILLAGE).balance_fen == 70000 - 21500


def test_the_chart_tab_draws_on_demand(qtbot, page):
    assert page.chart.pixmap().isNull()
    page.tabs.setCurrentIndex(3)
    assert not page.chart.pixmap().isNull()
