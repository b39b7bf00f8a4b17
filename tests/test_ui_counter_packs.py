"""The village counter offline in the window: the counter opened on a pack (same keys and scanner flow), its
hand-back, and 扶贫超市 → 离线兑换台 at the township packing, merging and listing what waits for a supervisor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.db import Database
from desktop.services.points import packs, points, redemption, stores, village_counter
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import users
from desktop.ui import counter_page
from desktop.ui.context import UiContext
from desktop.ui.counter_window import CounterWindow
from desktop.ui.packs_page import PacksPage
from tests.uiwait import settle

HH = "41142410520800001"


@pytest.fixture
def township(db, admin, sample, monkeypatch):
    monkeypatch.setattr(counter_page, "default_printer", lambda: None)  # a counter without a roll printer
    import_roster(db, admin, sample("roster-small.xlsx"))
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.add_goods(db, admin, "S01", "OIL", "食用油", 50, unit="桶", barcode="6901234567890")
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 5)
    users.create_user(db, admin, "op1", "counter-pass-1", "store_operator", stores=["S01"])
    points.award(db, admin, HH, 120, "星级评定")
    return db


@pytest.fixture
def page(qtbot, township, admin):
    page = PacksPage(UiContext(township, admin))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    settle(qtbot, page)
    return page


def scan(qtbot, field, code: str) -> None:
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, field.window())


def test_pack_out_redeem_at_the_village_hand_back_and_merge_from_the_window(
    qtbot, page, township, admin, tmp_path
):
    page.make_pack(str(tmp_path / "S01.wbpack"))
    settle(qtbot, page)
    assert "已生成数据包C1" in page.status.text() and "指纹" in page.status.text()
    assert page.pack_table.item(0, 0).text() == "C1" and page.pack_table.item(0, 6).text() == "在村使用中"

    info = village_counter.open_pack(
        tmp_path / "S01.wbpack", target=tmp_path / "v.sqlite3", trust_file=tmp_path / "t.json"
    )
    vdb = Database(info.path)
    try:
        window = CounterWindow(UiContext(vdb, users.authenticate(vdb, "op1", "counter-pass-1")), info)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitActive(window)
        settle(qtbot, window)
        counter = window.counter
        assert "离线兑换台" in window.banner.text() and "数据包C1" in window.banner.text()
        assert counter.household_edit.hasFocus()
        scan(qtbot, counter.household_edit, HH)
        assert "120 分" in counter.balance_label.text()
        scan(qtbot, counter.goods_edit, "6901234567890")
        qtbot.keyClick(counter.goods_edit, Qt.Key.Key_F12)
        settle(qtbot, window)
        assert "-C1-" in counter.message.text()
        settle(qtbot, window)
        assert "已记录1笔" in window.banner.text()
        window.make_return(str(tmp_path / "back.wbreturn"))
        settle(qtbot, window)
        assert "共1条记录" in window.last_return.text()
    finally:
        vdb.dispose()

    page.close_after.setChecked(True)
    page.merge(str(tmp_path / "back.wbreturn"))
    settle(qtbot, page)
    assert "兑换1单" in page.status.text() and "数据包已关闭" in page.status.text()
    assert page.pack_table.item(0, 6).text() == "已关闭"
    assert points.balance(township, admin, HH) == 70


def test_a_refused_merge_says_why_and_the_conflict_list_shows_the_amounts(
    qtbot, page, township, admin, tmp_path
):
    packs.pack(township, admin, "S01", 7, tmp_path / "S01.wbpack")
    info = village_counter.open_pack(
        tmp_path / "S01.wbpack", target=tmp_path / "v.sqlite3", trust_file=tmp_path / "t.json"
    )
    vdb = Database(info.path)
    try:
        operator = users.authenticate(vdb, "op1", "counter-pass-1")
        redemption.redeem(vdb, operator, "S01", HH, {"OIL": 2})
        village_counter.hand_back(vdb, tmp_path / "back.wbreturn")
    finally:
        vdb.dispose()
    [award] = [e for e in points.history(township, admin, HH) if e.kind == "award"]
    points.reverse_entry(township, admin, award.id, "评定有误")
    (tmp_path / "junk.wbreturn").write_text("这不是回传", encoding="utf-8")
    page.merge(str(tmp_path / "junk.wbreturn"))
    settle(qtbot, page)
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "不是回传文件" in box.text()
    box.close()
    page.merge(str(tmp_path / "back.wbreturn"))
    settle(qtbot, page)
    assert "1单有冲突" in page.status.text()
    row = [page.conflict_table.item(0, c).text() for c in range(10)]
    assert row[3:] == [HH, row[4], row[5], "100", "0", "100", "积分不足"] and "-C1-" in row[2]
    assert row[4] and row[5].endswith("日")  # the head's name and the day it was redeemed
    page.conflict_table.selectRow(0)
    page.reason_edit.setText("商品已退回超市")
    page.decide(False)
    settle(qtbot, page)
    assert "不入账" in page.status.text() and page.conflict_table.rowCount() == 0
    assert points.balance(township, admin, HH) == 0
