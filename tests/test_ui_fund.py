"""The 孝善基金 page: contribution entry from a pile of receipts, and the payout run previewed then booked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop import clock
from desktop.services.fund import fund
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

VILLAGE = "柘城县逻岗镇/孙桥村"
ELDER = "4114241052080000101"


@pytest.fixture
def page(qtbot, db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    fund.create_fund(db, admin, VILLAGE, match_percent=10, match_cap_fen=1500)
    sid = fund.add_supporter(db, admin, VILLAGE, ELDER, "董平花", relation="之女")
    fund.pledge(db, admin, sid, 20000, f"{clock.today():%Y-%m}")
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    window.show_area("fund")
    settle(qtbot, window)
    yield window.fund


def test_a_receipt_needs_only_its_number(qtbot, page):
    page.tabs.setCurrentIndex(1)
    # The next due month and the pledged amount are filled in; the clerk types the receipt number and Enter.
    assert page.months_edit.text() == f"{clock.today():%Y-%m}" and page.amount_edit.text() == "200.00"
    qtbot.keyClicks(page.receipt_edit, "A0001")
    qtbot.keyClick(page.receipt_edit, Qt.Key.Key_Return)
    settle(qtbot, page)
    assert page.recorded.rowCount() == 1 and page.recorded.item(0, 3).text() == "15.00"
    assert "余额 <b>200.00</b>" in page.overview.text()
    # The next receipt for the same supporter moves on to the next month by itself.
    assert page.months_edit.text() == fund.next_month(f"{clock.today():%Y-%m}")


def test_the_payout_run_is_previewed_and_refused_when_the_fund_is_short(qtbot, page, db, admin):
    page.tabs.setCurrentIndex(1)
    qtbot.keyClicks(page.receipt_edit, "A0002")
    qtbot.keyClick(page.receipt_edit, Qt.Key.Key_Return)
    settle(qtbot, page)
    page.tabs.setCurrentIndex(2)
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert page.payout_table.rowCount() == 1 and "余额不足" in page.payout_label.text()
    assert not page.pay_button.isEnabled()
    fund.donate(db, admin, VILLAGE, "县慈善会", 50000)
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert page.payout_table.text(0, 4) == "215.00" and page.pay_button.isEnabled()
    qtbot.mouseClick(page.pay_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert "已发放 1 位老人" in page.payout_label.text()
    assert fund.status(db, admin, VILLAGE).balance_fen == 70000 - 21500


def test_the_chart_tab_draws_on_demand(qtbot, page):
    assert page.chart.pixmap().isNull()
    page.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: not page.chart.pixmap().isNull(), timeout=30000)
    # scaled to the label: the chart never makes the window grow
    assert page.chart.pixmap().width() <= page.chart.width()


OLD = "民权县逻岗镇/孙桥村"  # 徐国 and 曾霞燕, 71, of a registered household


@pytest.fixture
def defaulted(qtbot, db, admin, sample):
    """A fund set up without its own match (the software's default, not yet confirmed)."""
    import_roster(db, admin, sample("roster-small.xlsx"))
    fund.create_fund(db, admin, OLD)
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    window.show_area("fund")
    settle(qtbot, window)
    yield window


def test_the_default_match_is_shown_as_such_and_confirmed_with_one_click(qtbot, defaulted, db, admin):
    page = defaulted.fund
    assert "软件默认值" in page.rules_label.text() and not page.confirm_button.isHidden()
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert fund.rules(db, admin, OLD).match_confirmed
    assert page.confirm_button.isHidden() and "待确认" not in page.rules_label.text()


def test_a_finding_is_recorded_on_the_elder_ledger_tab(qtbot, defaulted, db, admin, tmp_path):
    from desktop.services.fund import fund_reports

    page = defaulted.fund
    page.tabs.setCurrentIndex(4)
    assert page.ledger_table.rowCount() == 2 and "2人的子女赡养能力还未认定" in page.ledger_label.text()
    page.finding_elder.setCurrentIndex(page.finding_elder.findData("4114211052080002802"))  # 徐国
    page.finding_box.setCurrentText("无赡养能力")
    page.finding_by.setText("村级责任组")
    page.finding_note.setText("独子残疾")
    qtbot.mouseClick(page.finding_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    [xu] = [r for r in fund_reports.elder_rows(db, admin, OLD).rows if r.name == "徐国"]
    assert xu.finding.startswith("无赡养能力") and xu.finding_note == "村级责任组；独子残疾"
    assert "1人的子女赡养能力还未认定" in page.ledger_label.text()
    page.save_ledger(str(tmp_path / "elders.pdf"))
    settle(qtbot, page)
    assert "台账已保存" in page.ledger_label.text()
    assert (tmp_path / "elders.pdf").stat().st_size > 5000


def test_the_settings_page_confirms_defaults_and_sets_a_funds_elder_scope(qtbot, defaulted, db, admin):
    from desktop.services.system import defaults, settings

    defaulted.show_area("system")  # 系统 is made on its first visit
    settle(qtbot, defaulted)
    settings_page = defaulted.system.settings
    assert "文件没有规定" in settings_page.stars_note.text() and not settings_page.stars_confirm.isHidden()
    settings_page.stars_confirm.setChecked(True)
    settings_page.save_stars()
    settle(qtbot, defaulted)
    # (the settings page redraws itself when it is next shown: its own tests look at that)
    assert "stars" not in {d.key for d in defaults.unconfirmed(db)}
    row = [r.village for r in settings_page.fund_rules].index(OLD)
    assert settings_page.funds.item(row, 6).checkState() == Qt.CheckState.Unchecked
    settings_page.funds.item(row, 6).setCheckState(Qt.CheckState.Checked)
    scope = settings_page.funds.cellWidget(row, 5)
    scope.setCurrentIndex(scope.findData(True))
    settings_page.other_village.setChecked(True)
    settings_page.save_funds()
    settle(qtbot, defaulted)
    rules = fund.rules(db, admin, OLD)
    assert rules.match_confirmed and rules.all_households and settings.get(db, "store.other_village") is True
    assert "fund.match" in {d.key for d in defaults.unconfirmed(db)}  # the office default: not ticked
    settings_page.defaults_confirm.setChecked(True)
    settings_page.default_percent.setValue(15)
    settings_page.save_funds()
    settle(qtbot, defaulted)
    assert defaults.unconfirmed(db) == [] and settings.get(db, "fund.match_percent") == 15
