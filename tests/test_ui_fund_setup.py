"""The 孝善基金 page does everything the command line offers a clerk: a fund set up from the window (its rules, the
default match to confirm), its 理事会, supporters with their pledges saved all-or-nothing, donations, reversals of
money booked by mistake, the signed pledge archived, and the prints — on the real widgets, through the ops."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop import clock
from desktop.services.fund import fund
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import Actor
from desktop.ui.context import UiContext
from desktop.ui.fund_page import TAB_ELDERS, TAB_ENTRIES, TAB_ENTRY, TAB_SETUP
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

VILLAGE = "柘城县逻岗镇/孙桥村"
ELDER = "4114241052080000101"
OLD = "民权县逻岗镇/孙桥村"
THIS_MONTH = f"{clock.today():%Y-%m}"


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, button.window())


def error_text(window) -> str:
    box = window.findChild(QMessageBox, "errorBox")
    text = box.text() if box else ""
    if box:
        box.close()
    return text


def open_window(qtbot, db, admin):
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_area("fund")
    settle(qtbot, window)
    return window


@pytest.fixture
def fresh(qtbot, db, admin, sample):
    """A freshly set-up office: a roster, no fund yet."""
    import_roster(db, admin, sample("roster-small.xlsx"))
    return open_window(qtbot, db, admin)


@pytest.fixture
def page(qtbot, db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    fund.create_fund(db, admin, VILLAGE, match_percent=10, match_cap_fen=1500)
    window = open_window(qtbot, db, admin)
    window.fund.village_box.setCurrentIndex(window.fund.village_box.findData(VILLAGE))
    settle(qtbot, window)
    return window.fund


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_a_fresh_office_sets_up_a_fund_on_the_softwares_default_and_confirms_it(qtbot, fresh, db, admin):
    page = fresh.fund
    assert "还没有设立孝善基金" in page.overview.text() and page.tabs.currentIndex() == TAB_SETUP
    assert "命令" not in page.overview.text()
    choose(page.new_village, OLD)
    # the office default, shown as such: no seed sets the match
    assert page.new_percent.value() == 10 and page.new_cap.text() == "30.00"
    assert "软件默认值" in page.new_note.text() and "待确认" in page.new_note.text()
    click(qtbot, page.create_button)
    assert page.village == OLD and page.village_box.currentText().startswith("民权县")  # two 逻岗镇孙桥村
    assert "软件默认值" in page.rules_label.text() and not page.confirm_button.isHidden()
    rules = fund.rules(db, admin, OLD)
    assert not rules.match_confirmed and rules.match_percent == 10 and rules.match_cap_fen == 3000
    assert page.new_village.findData(OLD) < 0  # a village has one fund
    click(qtbot, page.confirm_button)
    assert fund.rules(db, admin, OLD).match_confirmed and page.confirm_button.isHidden()


def test_a_fund_with_its_own_match_is_confirmed_and_bad_money_is_refused(qtbot, fresh, db, admin):
    page = fresh.fund
    choose(page.new_village, VILLAGE)
    page.new_name.setText("孙桥村孝善基金会")
    page.new_percent.setValue(20)
    page.new_cap.setText("五十")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    settle(qtbot, fresh)
    assert "补贴上限" in error_text(fresh) and fund.all_rules(db, admin) == []
    page.new_cap.setText("50")
    assert "本村规则" in page.new_note.text()
    page.new_day.setValue(15)
    click(qtbot, page.create_button)
    rules = fund.rules(db, admin, VILLAGE)
    assert rules.match_confirmed and (rules.match_percent, rules.match_cap_fen, rules.payout_day) == (
        20,
        5000,
        15,
    )
    assert rules.name == "孙桥村孝善基金会" and "每月15日发放" in page.rules_label.text()
    assert page.confirm_button.isHidden() and page.tabs.currentIndex() == TAB_ELDERS


def test_rules_are_edited_in_one_save_and_the_board_is_kept(qtbot, page, db, admin):
    page.tabs.setCurrentIndex(TAB_SETUP)
    assert page.rule_percent.value() == 10 and page.rule_cap.text() == "15.00"
    assert "基金补贴10%" in page.rules_now.text()
    page.rule_percent.setValue(25)
    page.rule_cap.setText("40")
    page.rule_day.setValue(5)
    click(qtbot, page.rules_button)
    rules = fund.rules(db, admin, VILLAGE)
    assert (rules.match_percent, rules.match_cap_fen, rules.payout_day) == (25, 4000, 5)
    assert "基金补贴25%" in page.rules_label.text() and "每月5日发放" in page.rules_now.text()
    # a wrong figure: nothing of the save is written
    page.rule_day.setValue(6)
    page.rule_cap.setText("-1")
    qtbot.mouseClick(page.rules_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert error_text(page.window()) and fund.rules(db, admin, VILLAGE).payout_day == 5

    page.board_name.setText("孙长顺")
    page.board_role.setCurrentText("会长")
    page.board_phone.setText("13800000000")
    click(qtbot, page.board_button)
    assert fund.board(db, admin, VILLAGE) == [("会长", "孙长顺", "13800000000")]
    assert page.board_table.rowCount() == 1 and page.board_table.item(0, 1).text() == "孙长顺"


def test_a_supporter_and_their_pledge_are_saved_together_or_not_at_all(qtbot, page, db, admin):
    page.tabs.setCurrentIndex(TAB_ELDERS)
    choose(page.enrol_elder, ELDER)
    page.enrol_name.setText("董平花")
    page.enrol_relation.setCurrentText("之女")
    page.enrol_amount.setText("200")
    page.enrol_start.setText("2026-13")  # no such month: the supporter is not saved either
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert "2026-13" in error_text(page.window()) and fund.supporter_rows(db, admin, VILLAGE) == []
    page.enrol_start.setText(THIS_MONTH)
    click(qtbot, page.enrol_button)
    [row] = fund.supporter_rows(db, admin, VILLAGE)
    assert (row.name, row.relation, row.monthly_fen, row.start_month) == ("董平花", "之女", 20000, THIS_MONTH)
    assert "已登记赡养人董平花" in page.supporter_label.text()
    table = page.supporters_table
    assert table.rowCount() == 1 and table.text(0, 0) == "董平花" and table.text(0, 3) == "200.00"
    assert page.elders_table.text(0, 3) == "1"
    # the contribution entry knows them at once, with their pledge
    assert page.supporter_box.currentText().startswith("董平花") and page.amount_edit.text() == "200.00"


def test_a_new_pledge_the_signed_scan_and_the_printed_pledge(qtbot, page, db, admin, tmp_path):
    sid = fund.enrol_supporter(db, admin, VILLAGE, ELDER, "董平花", relation="之女")
    page.reload()
    settle(qtbot, page)
    page.tabs.setCurrentIndex(TAB_ELDERS)
    assert page.supporters_table.text(0, 3) == "未签承诺" and not page.pledge_button.isEnabled()
    page.supporters_table.selectRow(0)
    assert "还没有签赡养承诺" in page.pledge_for.text() and not page.scan_button.isEnabled()
    page.pledge_amount.setText("150.5")
    page.pledge_start.setText(THIS_MONTH)
    click(qtbot, page.pledge_button)
    assert fund.supporter_rows(db, admin, VILLAGE)[0].monthly_fen == 15050
    assert page.supporters_table.text(0, 3) == "150.50" and "150.50" in page.pledge_for.text()
    # the signed paper, scanned
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    page.archive_scan(str(scan))
    settle(qtbot, page)
    assert fund.has_pledge_scan(db, sid) and page.supporters_table.text(0, 5) == "已归档"
    page.save_pledge(str(tmp_path / "pledge.pdf"))
    settle(qtbot, page)
    assert "承诺书已保存" in page.supporter_label.text() and (tmp_path / "pledge.pdf").stat().st_size > 3000


def test_a_donation_and_a_reversal_of_a_wrong_receipt(qtbot, page, db, admin):
    sid = fund.enrol_supporter(db, admin, VILLAGE, ELDER, "董平花", monthly_fen=20000, start_month=THIS_MONTH)
    page.reload()
    settle(qtbot, page)
    page.tabs.setCurrentIndex(TAB_ENTRY)
    page.donor_edit.setText("县慈善会")
    page.donation_amount.setText("500")
    click(qtbot, page.donate_button)
    assert "基金余额500.00元" in page.donation_label.text() and "余额 <b>500.00</b>" in page.overview.text()
    choose(page.supporter_box, sid)
    qtbot.keyClicks(page.receipt_edit, "A0009")
    qtbot.keyClick(page.receipt_edit, Qt.Key.Key_Return)
    settle(qtbot, page)
    assert "余额 <b>700.00</b>" in page.overview.text()

    # the receipt number was wrong: reverse the contribution (its match goes with it)
    page.tabs.setCurrentIndex(TAB_ENTRIES)
    table = page.entries_table
    kinds = [table.text(i, 2) for i in range(table.rowCount())]
    assert kinds == ["基金补贴", "子女缴纳", "捐赠"]  # newest first
    table.selectRow(1)
    assert "将冲正流水" in page.reverse_label.text() and "董平花" in page.reverse_label.text()
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert "冲正原因" in error_text(page.window())  # a reason is needed
    page.reverse_reason.setText("收据号录错")
    table.selectRow(1)
    click(qtbot, page.reverse_button)
    assert (
        fund.status(db, admin, VILLAGE).balance_fen == 50000 and "余额 <b>500.00</b>" in page.overview.text()
    )
    rows = fund.entries(db, admin, VILLAGE)
    assert [r.kind for r in rows[:2]] == ["reversal", "reversal"] and rows[2].reversed and rows[3].reversed
    kinds = [table.text(i, 2) for i in range(table.rowCount())]
    assert kinds[:4] == ["冲正", "冲正", "基金补贴（已冲正）", "子女缴纳（已冲正）"]
    table.selectRow(3)
    assert not page.reverse_button.isEnabled() and "已经冲正过" in page.reverse_label.text()
    # the month is owed again: the entry form offers it
    assert page.months_edit.text() == THIS_MONTH


def test_the_payout_sheet_is_saved_from_the_payout_tab(qtbot, page, db, admin, tmp_path):
    sid = fund.enrol_supporter(db, admin, VILLAGE, ELDER, "董平花", monthly_fen=20000, start_month=THIS_MONTH)
    fund.contribute(db, admin, sid, [THIS_MONTH], 20000, receipt_no="A1")
    page.tabs.setCurrentIndex(2)
    page.save_sheet(str(tmp_path / "sheet.pdf"))
    settle(qtbot, page)
    assert "还没有发放" in error_text(page.window()) and not (tmp_path / "sheet.pdf").exists()
    fund.donate(db, admin, VILLAGE, "县慈善会", 10000)
    fund.pay(db, admin, VILLAGE, THIS_MONTH)
    page.save_sheet(str(tmp_path / "sheet.pdf"))
    settle(qtbot, page)
    assert "签领表已保存" in page.payout_label.text() and (tmp_path / "sheet.pdf").stat().st_size > 3000


def test_a_village_clerk_records_but_does_not_manage(qtbot, db, admin, sample):

    import_roster(db, admin, sample("roster-small.xlsx"))
    fund.create_fund(db, admin, VILLAGE, match_percent=10, match_cap_fen=1500)
    clerk = Actor("clerk", "village_clerk", "村文书", None, None)
    window = open_window(qtbot, db, clerk)
    page = window.fund
    assert page.enrol_button.isEnabled() and page.donate_button.isEnabled()
    for button in (page.create_button, page.rules_button, page.board_button):
        assert not button.isEnabled(), button.text()
    page.tabs.setCurrentIndex(TAB_ENTRIES)
    assert not page.reverse_button.isEnabled()
