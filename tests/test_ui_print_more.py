"""公示打印's 孝善基金 and 扶贫超市 outputs, made from the window: what was chosen is what is printed."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop import clock
from desktop.services.demo import add_demo_fund, add_demo_households, add_demo_redemptions, add_demo_stores
from desktop.services.points import stores
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.pdfcheck import page_text
from tests.uiwait import settle


@pytest.fixture
def page(qtbot, db, admin):
    add_demo_households(db, admin, 40)
    add_demo_stores(db, admin)
    add_demo_redemptions(db, admin)
    add_demo_fund(db, admin, villages=1)
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show_area("print")
    settle(qtbot, window)
    yield window.printing


def choose(box, data) -> None:
    index = box.findData(data)
    assert index >= 0, (data, [box.itemData(i) for i in range(box.count())])
    box.setCurrentIndex(index)


def generate(qtbot, page) -> None:
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.generate_button.isEnabled(), timeout=60000)
    settle(qtbot, page)
    if page.generated is not None:
        qtbot.waitUntil(
            lambda: len(page.pages_box.findChildren(QLabel, "previewPage")) == len(page.generated.images)
        )


def text_of(page) -> str:
    return "".join(page_text(page.generated.path)).replace(" ", "").replace("\n", "")


def pick(box, text: str) -> None:
    """The item whose label has `text` (a village, a store)."""
    index = next((i for i in range(box.count()) if text in box.itemText(i)), -1)
    assert index >= 0, (text, [box.itemText(i) for i in range(box.count())])
    box.setCurrentIndex(index)


def cn(month: clock.Month) -> str:
    return f"{month.year}年{month.month}月"


def error_text(qtbot, page) -> str:
    qtbot.waitUntil(lambda: page.window().findChild(QMessageBox, "errorBox") is not None)
    box = page.window().findChild(QMessageBox, "errorBox")
    text = box.text()
    box.close()
    box.deleteLater()
    qtbot.waitUntil(lambda: page.window().findChild(QMessageBox, "errorBox") is None)
    return text


def test_each_fund_output_prints_the_fund_and_period_chosen(qtbot, page):
    c = page.choices
    now = clock.this_month()
    choose(page.output_box, "fund_ledger")
    # a fund output asks for the fund and the month from lists; the household fields go away
    assert c.fund_box.isVisibleTo(page) and c.any_month_box.isVisibleTo(page)
    assert not page.household_edit.isVisibleTo(page) and not c.store_box.isVisibleTo(page)
    assert c.fund_box.count() == 1 and "孙桥村" in c.fund_box.currentText()  # only villages with a fund
    assert c.any_month_box.currentData() == str(now)  # the office's month by default
    assert c.month_box.currentData() == str(now) and c.year_box.currentData() == now.year
    generate(qtbot, page)
    assert f"孙桥村孝善基金{cn(now)}台账" in text_of(page) and page.print_button.isEnabled()

    choose(page.output_box, "fund_notice")
    assert page.days_spin.isVisibleTo(page) and c.month_box.isVisibleTo(page)
    generate(qtbot, page)
    assert f"孙桥村孝善基金{cn(now)}收支公示" in text_of(page)

    choose(page.output_box, "fund_sheet")
    choose(c.month_box, str(now.previous()))  # the demo paid every month before this one
    generate(qtbot, page)
    assert "孙桥村" in text_of(page) and cn(now.previous()) in text_of(page)

    for key, words in (
        ("honour_roll", (f"孙桥村{now.year}年度孝善光荣榜",)),
        ("honour_certificates", (f"{now.year}年度孝善敬老活动", "孙桥村孝善理事会")),
        ("elder_ledger", ("孙桥村65周岁以上建档立卡贫困老年人台账",)),
    ):
        choose(page.output_box, key)
        generate(qtbot, page)
        assert all(w in text_of(page) for w in words), key

    choose(page.output_box, "pledge")
    assert c.supporter_box.isVisibleTo(page) and c.supporter_box.count() >= 1
    c.supporter_box.setCurrentIndex(c.supporter_box.count() - 1)
    name = c.supporter_box.currentText().split("（")[0]
    generate(qtbot, page)
    assert f"本人{name}，是孙桥村" in text_of(page)


def test_each_store_output_prints_the_store_village_and_month_chosen(qtbot, page, db, admin):
    stores.move_stock(
        db, admin, "S02", stores.list_goods(db, "S02")[0].code, "donation", 5, donor="县商贸公司"
    )
    c = page.choices
    now = clock.this_month()
    choose(page.output_box, "stock_ledger")
    assert c.store_box.isVisibleTo(page) and not page.village_box.isVisibleTo(page)
    pick(c.store_box, "S02")
    store = c.store_box.currentText().split("（")[0]
    generate(qtbot, page)
    assert f"{store}{cn(now)}库存台账" in text_of(page)

    choose(page.output_box, "donation_notice")
    generate(qtbot, page)
    assert store in text_of(page) and "县商贸公司" in text_of(page) and cn(now) in text_of(page)

    choose(page.output_box, "settlement")
    pick(c.store_box, "S01")
    generate(qtbot, page)
    assert f"孙桥村爱心超市{cn(now)}积分兑换" in text_of(page)

    choose(page.output_box, "points_ledger")
    assert c.area_box.currentData() is None  # every village by default
    pick(c.area_box, "孙桥村")
    choose(c.any_month_box, None)  # every month
    generate(qtbot, page)
    assert "孙桥村" in text_of(page) and "张集村" not in text_of(page)

    choose(page.output_box, "redemption_notice")
    assert page.village_box.isVisibleTo(page) and c.month_box.isVisibleTo(page)
    pick(page.village_box, "孙桥村")
    generate(qtbot, page)
    assert f"孙桥村爱心超市{cn(now)}积分兑换情况公示" in text_of(page)

    pick(page.village_box, "后营村")  # no store, no redemptions: said in Chinese, nothing shown
    page.generated = None
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    assert "没有兑换记录" in error_text(qtbot, page)
    qtbot.waitUntil(lambda: page.generate_button.isEnabled())
    assert page.generated is None


def test_the_ledgers_can_be_made_as_excel(qtbot, page):
    for key, store in (
        ("fund_ledger_xlsx", None),
        ("elder_ledger_xlsx", None),
        ("points_ledger_xlsx", None),
        ("stock_ledger_xlsx", "S03"),
        ("settlement_xlsx", "S03"),
    ):
        choose(page.output_box, key)
        word = "孙桥村"
        if store:
            pick(page.choices.store_box, store)
            word = page.choices.store_box.currentText().split("（")[0]
        generate(qtbot, page)
        assert page.generated.path.suffix == ".xlsx" and page.save_button.isEnabled()
        assert not page.print_button.isEnabled()
        book = load_workbook(page.generated.path, read_only=True)
        cells = "".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
        )
        book.close()
        assert word in cells, key


def test_months_and_years_come_from_the_office_clock(qtbot, db, admin, monkeypatch):
    """This month and year by default, by Beijing's day; a window left open into a new month moves on, unless
    the clerk chose a month (or 全部月份)."""
    from datetime import date

    from desktop.ui.print_page import PrintPage

    monkeypatch.setattr(clock, "today", lambda: date(2031, 1, 31))
    page = PrintPage(UiContext(db, admin))
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    c = page.choices
    assert c.month_box.currentData() == c.any_month_box.currentData() == "2031-01"
    assert c.year_box.currentData() == 2031 and c.month_box.itemText(0) == "2031年1月"
    page.hide()
    monkeypatch.setattr(clock, "today", lambda: date(2031, 2, 1))
    page.show()
    assert c.month_box.currentData() == c.any_month_box.currentData() == "2031-02"
    choose(c.month_box, "2030-12")
    c.any_month_box.setCurrentIndex(0)  # 全部月份
    page.hide()
    monkeypatch.setattr(clock, "today", lambda: date(2031, 3, 1))
    page.show()
    assert c.month_box.itemData(0) == "2031-03" and c.month_box.currentData() == "2030-12"
    assert c.any_month_box.currentIndex() == 0 and c.any_month_box.currentData() is None
