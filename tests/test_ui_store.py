"""A new office runs its 扶贫超市 from the window alone: stores (new, edit, settlement terms), goods (new, edit,
上架/下架), stock movements with their value in 元, and the monthly settlement sheet."""

from __future__ import annotations

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.services.households.households import resolve_village
from desktop.services.points import points, redemption, stores
from desktop.services.roster.roster_import import import_roster
from desktop.ui import counter_page, store_page
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

HH = "41142410520800001"


@pytest.fixture
def window(qtbot, db, admin, sample, monkeypatch):
    monkeypatch.setattr(counter_page, "default_printer", lambda: None)
    monkeypatch.setattr(store_page, "default_printer", lambda: None)
    import_roster(db, admin, sample("roster-small.xlsx"))
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitActive(window)
    window.show_area("store")
    settle(qtbot, window)
    yield window


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, button.window())


def type_into(qtbot, field, text: str) -> None:
    field.clear()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:  # Chinese comes through the input method, not as key presses
        field.insert(text)


def error_text(window) -> str:
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None, "an error box was expected"
    text = box.text()
    box.close()
    box.deleteLater()
    return text


def new_store(qtbot, window, code: str = "S01", name: str = "孙桥村爱心超市") -> None:
    page = window.store.setup
    window.store.setCurrentWidget(page)
    click(qtbot, page.new_button)
    type_into(qtbot, page.code_edit, code)
    type_into(qtbot, page.name_edit, name)
    click(qtbot, page.save_button)


def test_a_new_store_from_the_window_reaches_the_counter(qtbot, window, db, admin):
    counter, page = window.counter, window.store.setup
    assert counter.store_box.count() == 0 and "请先在“超市设置”中新建超市" in counter.message.text()
    new_store(qtbot, window)
    assert "已新建：孙桥村爱心超市（S01）" in page.status.text()
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "孙桥村爱心超市"
    info = stores.store_info(db, "S01")
    assert (info.name, info.village, info.receipt_width_mm, info.commercial) == (
        "孙桥村爱心超市",
        "",
        58,
        False,
    )
    window.store.setCurrentWidget(counter)  # the counter follows when next shown: it subscribes to stock
    settle(qtbot, window)
    assert counter.store_box.findData("S01") >= 0 and counter.household_edit.hasFocus()


def test_a_commercial_shop_with_its_village_rate_and_funding_source(qtbot, window, db, admin):
    page = window.store.setup
    window.store.setCurrentWidget(page)
    click(qtbot, page.new_button)
    type_into(qtbot, page.code_edit, "S02")
    type_into(qtbot, page.name_edit, "孙桥村便民超市")
    with db.read() as s:
        village_id = resolve_village(s, admin, "柘城县逻岗镇/孙桥村").id
    page.village_box.setCurrentIndex(page.village_box.findData(village_id))
    page.width_box.setCurrentIndex(page.width_box.findData(80))
    page.commercial_check.setChecked(True)
    type_into(qtbot, page.rate_edit, "1.5")
    type_into(qtbot, page.source_edit, "县财政专项扶贫资金")
    type_into(qtbot, page.owner_edit, "王店主")
    click(qtbot, page.save_button)
    info = stores.store_info(db, "S02")
    assert (info.village, info.receipt_width_mm, info.commercial, info.point_rate_fen) == (
        "孙桥村",
        80,
        True,
        150,
    )
    assert (info.funding_source, info.owner) == ("县财政专项扶贫资金", "王店主")
    assert "每分1.50元" in page.status.text()

    # edit it: select its row, rename, make it a village-run store again
    page.table.selectRow(0)
    settle(qtbot, window)
    assert page.code_edit.isReadOnly() and page.code_edit.text() == "S02"
    assert page.village_box.currentData() == village_id and page.rate_edit.text() == "1.50"
    type_into(qtbot, page.name_edit, "孙桥村爱心超市")
    page.commercial_check.setChecked(False)
    click(qtbot, page.save_button)
    info = stores.store_info(db, "S02")
    assert (info.name, info.commercial, info.point_rate_fen, info.village) == (
        "孙桥村爱心超市",
        False,
        0,
        "孙桥村",
    )


def test_a_bad_rate_or_a_taken_code_is_refused_and_nothing_is_written(qtbot, window, db):
    new_store(qtbot, window)
    page = window.store.setup
    click(qtbot, page.new_button)
    type_into(qtbot, page.code_edit, "S01")
    type_into(qtbot, page.name_edit, "又一个")
    click(qtbot, page.save_button)
    assert "已存在" in error_text(window)
    type_into(qtbot, page.code_edit, "S03")
    page.commercial_check.setChecked(True)
    type_into(qtbot, page.rate_edit, "1.005")
    type_into(qtbot, page.source_edit, "县财政")
    type_into(qtbot, page.owner_edit, "王")
    click(qtbot, page.save_button)
    assert "两位小数" in error_text(window)
    assert [st.code for st in stores.list_stores(db)] == ["S01"]


def test_goods_new_edit_and_off_the_shelf(qtbot, window, db, admin):
    new_store(qtbot, window)
    stock = window.store.stock
    window.store.setCurrentWidget(stock)
    settle(qtbot, window)
    type_into(qtbot, stock.new_code, "OIL")
    type_into(qtbot, stock.new_name, "食用油")
    stock.new_price.setValue(50)
    type_into(qtbot, stock.new_unit, "桶")
    type_into(qtbot, stock.new_barcode, "6901234567890")
    click(qtbot, stock.add_button)
    assert "已登记新商品 OIL 食用油" in stock.status.text()
    assert stock.table.rowCount() == 1 and stock.table.item(0, 1).text() == "食用油（桶）"
    window.store.setCurrentWidget(window.counter)
    settle(qtbot, window)
    assert "OIL" in window.counter.goods
    window.store.setCurrentWidget(stock)

    stock.table.selectRow(0)
    assert stock.new_code.text() == "OIL" and stock.new_price.value() == 50
    stock.new_price.setValue(45)
    stock.active_check.setChecked(False)
    click(qtbot, stock.edit_button)
    (g,) = stores.list_goods(db, "S01")
    assert (g.price_points, g.active, g.barcode) == (45, False, "6901234567890")
    assert stock.table.item(0, 5).text() == "已下架"
    window.store.setCurrentWidget(window.counter)
    settle(qtbot, window)
    assert "OIL" not in window.counter.goods  # off the shelf: the counter no longer sells it


def test_stock_movements_with_their_value_in_yuan(qtbot, window, db, admin):
    new_store(qtbot, window)
    stores.add_goods(db, admin, "S01", "SALT", "食盐", 3, unit="袋")
    stock = window.store.stock
    window.store.setCurrentWidget(stock)
    stock.reload()
    settle(qtbot, window)

    def move(kind: str, quantity: int, value: str = "", donor: str = "", reason: str = "") -> None:
        stock.goods_box.setCurrentIndex(stock.goods_box.findData("SALT"))
        stock.kind_box.setCurrentIndex(stock.kind_box.findData(kind))
        stock.quantity.setValue(quantity)
        type_into(qtbot, stock.value_edit, value)
        type_into(qtbot, stock.donor_edit, donor)
        type_into(qtbot, stock.reason_edit, reason)
        click(qtbot, stock.move_button)

    move("purchase", 20, "1,200.50")
    assert "现有库存 20" in stock.status.text() and stock.table.item(0, 3).text() == "20"
    move("donation", 10, "", donor="爱心企业")
    move("adjust", -3, reason="包装破损")
    assert "现有库存 27" in stock.status.text()
    move("stocktake", 25, reason="月末盘点")
    assert "现有库存 25" in stock.status.text()
    move("purchase", 5, "abc")
    assert "不是金额" in error_text(window)
    assert {g.code: g.stock for g in stores.list_goods(db, "S01")} == {"SALT": 25}
    with db.read() as s:
        value = stores.stock_value(s, stores.store_by_code(s, "S01").id)
    assert value.value_fen > 0  # the purchase's 1,200.50 元 was recorded in fen


def test_the_monthly_settlement_sheet_saved_and_printed(qtbot, window, db, admin, tmp_path):
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.add_goods(db, admin, "S01", "SALT", "食盐", 3, unit="袋")
    stores.move_stock(db, admin, "S01", "SALT", "purchase", 10)
    points.award(db, admin, HH, 60, "星级评定")
    redemption.redeem(db, admin, "S01", HH, {"SALT": 2})
    page = window.store.settlement
    window.store.setCurrentWidget(page)
    page.reload()
    settle(qtbot, window)
    click(qtbot, page.show_button)
    assert "兑换 1 单" in page.summary.text() and "消耗积分 6 分" in page.summary.text()
    out = tmp_path / "结算单.pdf"
    page.save_sheet(str(out))
    settle(qtbot, window)
    assert f"结算单已保存：{out}" in page.sheet_status.text()
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[0].extract_text()
    assert "孙桥村爱心超市" in text and "食盐" in text
    click(qtbot, page.print_button)  # no printer: says where the sheet is
    assert "结算单未打印" in page.sheet_status.text() and "已保存在" in page.sheet_status.text()
    type_into(qtbot, page.month_edit, "2026-13")
    click(qtbot, page.show_button)
    assert "应写成" in error_text(window)


def test_points_awarded_adjusted_and_reversed_by_hand(qtbot, window, db, admin):
    page = window.store.points
    window.store.setCurrentWidget(page)
    type_into(qtbot, page.code_edit, HH)
    qtbot.keyClick(page.code_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert "积分余额：<b>0 分" in page.balance_label.text()
    page.kind_box.setCurrentIndex(page.kind_box.findData("bonus"))
    page.amount.setValue(30)
    type_into(qtbot, page.reason_edit, "人居环境示范户")
    click(qtbot, page.award_button)
    assert "余额 30 分" in page.status.text() and page.table.rowCount() == 1
    page.kind_box.setCurrentIndex(page.kind_box.findData("adjust"))
    page.amount.setValue(-5)
    type_into(qtbot, page.reason_edit, "录入有误")
    click(qtbot, page.award_button)
    assert points.balance(db, admin, HH) == 25 and page.table.item(0, 3).text() == "-5"
    page.table.selectRow(0)  # the adjustment (newest first)
    type_into(qtbot, page.reverse_reason, "调整有误")
    click(qtbot, page.reverse_button)
    assert points.balance(db, admin, HH) == 30 and "已冲正" in page.status.text()
    assert page.table.item(1, 6).text() == "已冲正" and page.table.item(0, 2).text() == "冲正"
