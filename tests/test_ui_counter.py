"""The counter driven with the keyboard only, as a scanner would (it types the code and Enter)."""

from __future__ import annotations

import pdfplumber
import pytest
from PySide6.QtCore import Qt

from desktop.services import points, stores
from desktop.services.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow

HH = "41142410520800001"


@pytest.fixture
def counter(qtbot, db, admin, sample):  # noqa: ANN001, ANN201
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
    window.show_area("store")
    yield window.counter


def scan(qtbot, field, code: str) -> None:  # noqa: ANN001
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_scan_household_scan_goods_confirm_receipt(qtbot, counter, db, admin):
    scan(qtbot, counter.household_edit, HH)  # the QR on the 明白卡 holds the household code
    assert counter.household == HH and "60 分" in counter.balance_label.text()
    assert counter.goods_edit.hasFocus()
    scan(qtbot, counter.goods_edit, "6909999000001")
    scan(qtbot, counter.goods_edit, "6909999000001")
    scan(qtbot, counter.goods_edit, "OIL")
    assert counter.total() == 56 and "剩余：4 分" in counter.total_label.text()
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    assert "兑换成功" in counter.message.text()
    assert points.balance(db, admin, HH) == 4
    with pdfplumber.open(counter.last_receipt_pdf) as pdf:
        text = pdf.pages[0].extract_text()
    assert "食盐" in text and "剩余积分" in text and "董*玉" in text and "董超玉" not in text
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_Escape)
    assert counter.household is None and counter.household_edit.hasFocus()


def test_a_basket_beyond_the_balance_is_refused_and_nothing_changes(qtbot, counter, db, admin):
    scan(qtbot, counter.household_edit, HH)
    scan(qtbot, counter.goods_edit, "OIL")
    scan(qtbot, counter.goods_edit, "OIL")
    assert "积分不够" in counter.total_label.text()
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    assert "积分不足" in counter.message.text()
    assert points.balance(db, admin, HH) == 60
    assert {g.code: g.stock for g in stores.list_goods(db, "S01")}["OIL"] == 5
    # Take one off with the minus key on the basket, then Enter on an empty scan field confirms.
    counter.basket_table.setFocus()
    counter.basket_table.setCurrentCell(0, 0)
    qtbot.keyClick(counter.basket_table, Qt.Key.Key_Minus)
    counter.goods_edit.setFocus()
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_Return)
    assert points.balance(db, admin, HH) == 10


def test_unknown_codes_say_so_and_several_matches_are_chosen_with_arrows(qtbot, counter):
    scan(qtbot, counter.household_edit, "000000")
    assert "找不到" in counter.message.text() and counter.household is None
    counter.household_edit.clear()
    scan(qtbot, counter.household_edit, "dong")  # pinyin: several households
    assert counter.choices.isVisible() and counter.choices.count() > 1
    qtbot.keyClick(counter.choices, Qt.Key.Key_Down)
    chosen = counter.choices.currentItem().data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(counter.choices, Qt.Key.Key_Return)
    assert counter.household == chosen
    scan(qtbot, counter.goods_edit, "NOPE")
    assert "没有商品" in counter.message.text()


def test_scan_fields_take_raw_keys_not_the_input_method(counter):
    assert not counter.household_edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert not counter.goods_edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)


def test_stock_in_and_a_supervisor_reversal_from_the_store_area(qtbot, counter, db, admin):
    area = counter.parent().parent()  # the tab widget holding the counter
    stock = area.stock
    stock.goods_box.setCurrentIndex(stock.goods_box.findData("SALT"))
    stock.kind_box.setCurrentIndex(stock.kind_box.findData("donation"))
    stock.quantity.setValue(10)
    qtbot.keyClicks(stock.donor_edit, "Zhang")
    qtbot.mouseClick(stock.move_button, Qt.MouseButton.LeftButton)
    assert "现有库存 60" in stock.status.text()
    scan(qtbot, counter.household_edit, HH)
    scan(qtbot, counter.goods_edit, "SALT")
    qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
    number = counter.message.text().split("单号 ")[1].split("，")[0]
    settle = area.settlement
    qtbot.mouseClick(settle.show_button, Qt.MouseButton.LeftButton)
    assert "兑换 1 单" in settle.summary.text() and not settle.chart.pixmap().isNull()
    settle.number_edit.setText(number)
    qtbot.keyClicks(settle.reason_edit, "wrong item")
    qtbot.mouseClick(settle.reverse_button, Qt.MouseButton.LeftButton)
    assert "已撤销" in settle.summary.text()
    assert points.balance(db, admin, HH) == 60


def test_a_household_of_another_village_is_told_at_once(qtbot, counter, db, admin):
    """The store is 孙桥村's; a 王楼村 household is refused as soon as it is found, before any scanning."""
    from desktop.services.households import resolve_village

    with db.read() as s:
        village_id = resolve_village(s, admin, "柘城县逻岗镇/孙桥村").id
    stores.create_store(db, admin, "S02", "孙桥村便民超市", village_id=village_id)
    stores.add_goods(db, admin, "S02", "SALT", "食盐", 3, unit="袋")
    counter.reload()
    counter.store_box.setCurrentIndex(counter.store_box.findData("S02"))
    scan(qtbot, counter.household_edit, "41142110420200002")  # 王楼村
    assert "只为孙桥村的农户兑换积分" in counter.message.text() and not counter.goods_edit.isEnabled()
    scan(qtbot, counter.household_edit, HH)
    assert counter.goods_edit.isEnabled() and "请扫描商品" in counter.message.text()
