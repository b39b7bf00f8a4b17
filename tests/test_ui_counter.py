"""The counter driven with the keyboard only, as a scanner would (it types the code and Enter). Every step runs
through the window's ops, so the tests wait for them (settle) the way a clerk waits for the screen."""

from __future__ import annotations

import threading

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from desktop.services.points import points, stores
from desktop.services.roster.roster_import import import_roster
from desktop.ui import counter_page
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

HH = "41142410520800001"


@pytest.fixture
def window(qtbot, db, admin, sample, monkeypatch):
    monkeypatch.setattr(counter_page, "default_printer", lambda: None)  # a counter without a roll printer
    import_roster(db, admin, sample("roster-small.xlsx"))
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.add_goods(db, admin, "S01", "OIL", "食用油", 50, unit="桶", barcode="6901234567890")
    stores.add_goods(db, admin, "S01", "SALT", "食盐", 3, unit="袋", barcode="6909999000001")
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 5)
    stores.move_stock(db, admin, "S01", "SALT", "purchase", 50)
    points.award(db, admin, HH, 60, "星级评定")
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitActive(window)
    window.show_area("store")
    settle(qtbot, window)
    yield window


@pytest.fixture
def counter(window):
    return window.counter


def scan(qtbot, field, code: str) -> None:
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, field.window())


def find(qtbot, counter, code: str = HH) -> None:
    counter.household_edit.clear()
    scan(qtbot, counter.household_edit, code)


def sell(qtbot, counter, *goods: str) -> str:
    """Scan the goods, F12; the receipt number."""
    for code in goods:
        scan(qtbot, counter.goods_edit, code)
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    settle(qtbot, counter)
    return counter.message.text().split("单号 ")[1].split("，")[0]


def test_scan_household_scan_goods_f12_and_the_next_customer_at_once(qtbot, counter, db, admin):
    find(qtbot, counter)  # the QR on the 明白卡 holds the household code
    assert counter.household == HH and "60 分" in counter.balance_label.text()
    assert counter.goods_edit.hasFocus()
    scan(qtbot, counter.goods_edit, "6909999000001")
    scan(qtbot, counter.goods_edit, "6909999000001")
    scan(qtbot, counter.goods_edit, "OIL")
    assert counter.total() == 56 and "剩余：4 分" in counter.total_label.text()
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    settle(qtbot, counter)
    assert "兑换成功" in counter.message.text() and "剩余 4 分" in counter.message.text()
    assert points.balance(db, admin, HH) == 4
    assert {g.code: g.stock for g in stores.list_goods(db, "S01")} == {"OIL": 4, "SALT": 48}
    # the counter is ready for the next customer straight away: household field focused, nothing carried over
    assert counter.household is None and counter.household_edit.hasFocus() and not counter.basket
    # no roll printer: the slip says where the receipt is and that F9 reprints it
    assert "未打印" in counter.slip.text() and "F9" in counter.slip.text()
    assert str(counter.last_receipt_pdf) in counter.slip.text()
    with pdfplumber.open(counter.last_receipt_pdf) as pdf:
        text = pdf.pages[0].extract_text()
    assert "食盐" in text and "剩余积分" in text and "董*玉" in text and "董超玉" not in text
    find(qtbot, counter)
    assert counter.household == HH and "可用积分：4 分" in counter.balance_label.text()


def test_the_sale_does_not_wait_for_the_printer(qtbot, counter, db, admin, monkeypatch):
    """A slow printer holds only the read lane: the next household is found while the slip is still printing."""
    release, printing = threading.Event(), threading.Event()

    def slow(receipt, path):
        printing.set()
        assert release.wait(20)
        return path, ""

    monkeypatch.setattr(counter_page, "print_receipt", slow)
    find(qtbot, counter)
    scan(qtbot, counter.goods_edit, "SALT")
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "兑换成功" in counter.message.text(), timeout=30000)
    assert printing.wait(20) and "正在打印" in counter.slip.text()
    qtbot.keyClicks(counter.household_edit, HH)
    qtbot.keyClick(counter.household_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.household == HH, timeout=30000)
    assert "可用积分：57 分" in counter.balance_label.text()
    release.set()
    settle(qtbot, counter)
    assert "已打印" in counter.slip.text()


def test_f9_is_one_shortcut_and_reprints_the_last_receipt(qtbot, counter, monkeypatch):
    f9 = [s for s in counter.findChildren(QShortcut) if s.key() == QKeySequence(Qt.Key.Key_F9)]
    assert len(f9) == 1  # twice would be ambiguous to Qt: F9 would do nothing
    qtbot.keyClick(counter.household_edit, Qt.Key.Key_F9)
    assert "还没有可补打的小票" in counter.message.text()
    find(qtbot, counter)
    number = sell(qtbot, counter, "SALT")
    assert "未打印" in counter.slip.text()
    sent = []
    monkeypatch.setattr(counter_page, "default_printer", lambda: "roll")
    monkeypatch.setattr(counter_page, "print_pdf", lambda path, printer: sent.append((path, printer)) or 1)
    qtbot.keyClick(counter.household_edit, Qt.Key.Key_F9)
    settle(qtbot, counter)
    assert f"小票 {number} 已打印" in counter.slip.text()
    assert sent == [(counter.last_receipt_pdf, "roll")]


def test_esc_clears_the_counter_for_the_next_customer(qtbot, counter):
    find(qtbot, counter)
    scan(qtbot, counter.goods_edit, "SALT")
    assert counter.basket
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_Escape)
    assert counter.household is None and not counter.basket and counter.household_edit.text() == ""
    assert counter.household_edit.hasFocus() and not counter.goods_edit.isEnabled()


def test_a_basket_beyond_the_balance_is_refused_then_minus_and_enter(qtbot, counter, db, admin):
    find(qtbot, counter)
    scan(qtbot, counter.goods_edit, "OIL")
    scan(qtbot, counter.goods_edit, "OIL")
    assert "积分不够" in counter.total_label.text()
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    settle(qtbot, counter)
    assert "积分不足" in counter.message.text() and counter.household == HH and counter.basket == {"OIL": 2}
    assert points.balance(db, admin, HH) == 60
    assert {g.code: g.stock for g in stores.list_goods(db, "S01")}["OIL"] == 5
    # Take one off with the minus key on the basket, then Enter on an empty scan field confirms.
    counter.basket_table.setFocus()
    counter.basket_table.setCurrentCell(0, 0)
    qtbot.keyClick(counter.basket_table, Qt.Key.Key_Minus)
    assert counter.basket == {"OIL": 1}
    qtbot.keyClick(counter.basket_table, Qt.Key.Key_Plus)
    qtbot.keyClick(counter.basket_table, Qt.Key.Key_Minus)
    assert counter.basket == {"OIL": 1}
    counter.goods_edit.setFocus()
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_Return)
    settle(qtbot, counter)
    assert points.balance(db, admin, HH) == 10


def test_f12_twice_sells_once(qtbot, counter, db, admin):
    find(qtbot, counter)
    scan(qtbot, counter.goods_edit, "SALT")
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    settle(qtbot, counter)
    assert points.balance(db, admin, HH) == 57


def test_unknown_codes_say_so_and_several_matches_are_chosen_with_arrows(qtbot, counter):
    find(qtbot, counter, "000000")
    assert "找不到" in counter.message.text() and counter.household is None
    find(qtbot, counter, "dong")  # pinyin: several households
    assert counter.choices.isVisible() and counter.choices.count() > 1
    assert counter.choices.hasFocus() and "用↑↓选择" in counter.message.text()
    qtbot.keyClick(counter.choices, Qt.Key.Key_Down)
    chosen = counter.choices.currentItem().data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(counter.choices, Qt.Key.Key_Return)
    settle(qtbot, counter)
    assert counter.household == chosen
    scan(qtbot, counter.goods_edit, "NOPE")
    assert "没有商品" in counter.message.text()


def test_a_capped_search_asks_to_keep_typing(qtbot, counter, monkeypatch):
    monkeypatch.setattr(counter_page, "FOUND_LIMIT", 1)  # the small roster has two 董 households, not 21
    find(qtbot, counter, "dong")
    assert "找到1户以上，请继续输入" in counter.message.text()
    assert counter.choices.count() == 1 and counter.household_edit.hasFocus() and counter.household is None


def test_scan_fields_take_raw_keys_not_the_input_method(counter):
    assert not counter.household_edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert not counter.goods_edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)


def test_the_household_field_has_focus_whenever_the_counter_is_shown(qtbot, window):
    counter = window.counter
    window.show_area("households")
    window.sidebar.setFocus()
    window.show_area("store")  # as a sidebar click does
    qtbot.waitUntil(counter.household_edit.hasFocus, timeout=5000)
    window.show_area("households")
    window.households.filter_edit.setFocus()
    qtbot.keyClick(window.households.filter_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.store.currentWidget() is counter and counter.isVisible()
    qtbot.waitUntil(counter.household_edit.hasFocus, timeout=5000)


def test_stock_in_and_a_supervisor_reversal_from_the_store_area(qtbot, window, counter, db, admin):
    area = window.store
    stock = area.stock
    area.setCurrentWidget(stock)
    settle(qtbot, window)  # the tab's page is made when first chosen, and reads its stores and goods then
    stock.goods_box.setCurrentIndex(stock.goods_box.findData("SALT"))
    stock.kind_box.setCurrentIndex(stock.kind_box.findData("donation"))
    stock.quantity.setValue(10)
    qtbot.keyClicks(stock.donor_edit, "Zhang")
    qtbot.mouseClick(stock.move_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "现有库存 60" in stock.status.text()
    area.setCurrentWidget(counter)
    find(qtbot, counter)
    number = sell(qtbot, counter, "SALT")
    settle_page = area.settlement
    area.setCurrentWidget(settle_page)
    settle(qtbot, window)  # made now: its stores are read first
    qtbot.mouseClick(settle_page.show_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "兑换 1 单" in settle_page.summary.text() and not settle_page.chart.pixmap().isNull()
    settle_page.number_edit.setText(number)
    qtbot.keyClicks(settle_page.reason_edit, "wrong item")
    qtbot.mouseClick(settle_page.reverse_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "已撤销" in settle_page.reverse_status.text()
    assert points.balance(db, admin, HH) == 60
    # the settlement shown is redone after the reversal (the page subscribes to redemptions)
    assert "兑换 0 单（另有撤销 1 单）" in settle_page.summary.text()


def test_a_household_of_another_village_is_told_at_once(qtbot, counter, db, admin):
    """The store is 孙桥村's; a 王楼村 household is refused as soon as it is found, before any scanning."""
    from desktop.services.households.households import resolve_village

    with db.read() as s:
        village_id = resolve_village(s, admin, "柘城县逻岗镇/孙桥村").id
    stores.create_store(db, admin, "S02", "孙桥村便民超市", village_id=village_id)
    stores.add_goods(db, admin, "S02", "SALT", "食盐", 3, unit="袋")
    counter.reload()
    settle(qtbot, counter)
    counter.store_box.setCurrentIndex(counter.store_box.findData("S02"))
    settle(qtbot, counter)
    find(qtbot, counter, "41142110420200002")  # 王楼村
    assert "只为孙桥村的农户兑换积分" in counter.message.text() and not counter.goods_edit.isEnabled()
    find(qtbot, counter)
    assert counter.goods_edit.isEnabled() and "请扫描商品" in counter.message.text()
