"""Points ledger, stock and counter redemption: append-only, never negative, all or nothing, race-free."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select, text

from desktop import clock
from desktop.errors import InputRejected, PermissionDenied, Refused
from desktop.models import PointsEntry, StockMovement
from desktop.services.points import points, redemption, stores
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import Actor
from desktop.services.system.backup import check_database

HH = "41142410520800001"
OTHER = "41142110420200002"


@pytest.fixture
def shop(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.add_goods(db, admin, "S01", "OIL", "食用油", 50, unit="桶", barcode="6901234567890")
    stores.add_goods(db, admin, "S01", "SALT", "食盐", 3, unit="袋")
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 2, value_fen=12000)
    stores.move_stock(db, admin, "S01", "SALT", "donation", 100, donor="县供销社", value_fen=30000)
    points.award(db, admin, HH, 120, "2026年第三季度星级评定")
    return db


def counts(db):
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(PointsEntry)),
            s.scalar(select(func.count()).select_from(StockMovement)),
        )


def test_redemption_changes_balance_and_stock_and_gives_a_receipt(shop, admin):
    receipt = redemption.redeem(shop, admin, "S01", HH, {"6901234567890": 1, "SALT": 5})  # barcode or code
    assert (receipt.points, receipt.balance_after) == (65, 55)
    assert receipt.number.startswith("S01-") and [ln.goods for ln in receipt.lines] == ["食用油", "食盐"]
    assert points.balance(shop, admin, HH) == 55
    assert {g.code: g.stock for g in stores.list_goods(shop, "S01")} == {"OIL": 1, "SALT": 95}
    assert check_database(shop).ok


@pytest.mark.parametrize(
    ("items", "extra", "message"), [({"OIL": 3}, 100, "库存不足"), ({"OIL": 1, "SALT": 30}, 0, "积分不足")]
)
def test_a_refused_redemption_writes_nothing(shop, admin, items, extra, message):
    if extra:
        points.award(shop, admin, HH, extra, "补足积分，只让库存不够")
    before = (counts(shop), points.balance(shop, admin, HH), stores.list_goods(shop, "S01"))
    with pytest.raises(Refused, match=message):
        redemption.redeem(shop, admin, "S01", HH, items)
    assert (counts(shop), points.balance(shop, admin, HH), stores.list_goods(shop, "S01")) == before


def test_unknown_household_or_goods_and_bad_quantities_are_refused(shop, admin):
    with pytest.raises(Refused, match="不存在"):
        redemption.redeem(shop, admin, "S01", "000", {"SALT": 1})
    with pytest.raises(InputRejected, match="没有商品"):
        redemption.redeem(shop, admin, "S01", HH, {"NOPE": 1})
    with pytest.raises(InputRejected, match="数量必须大于0"):
        redemption.redeem(shop, admin, "S01", HH, {"SALT": 0})
    with pytest.raises(PermissionDenied):
        redemption.redeem(shop, Actor("a", "auditor"), "S01", HH, {"SALT": 1})


def test_reversal_restores_balance_and_stock_and_keeps_both_entries(shop, admin):
    receipt = redemption.redeem(shop, admin, "S01", HH, {"OIL": 2})
    assert points.balance(shop, admin, HH) == 20
    with pytest.raises(PermissionDenied):
        redemption.reverse_redemption(shop, Actor("op", "store_operator"), receipt.number, "扫错了")
    with pytest.raises(InputRejected):
        redemption.reverse_redemption(shop, admin, receipt.number, " ")
    assert redemption.reverse_redemption(shop, admin, receipt.number, "扫错了商品") == 120
    assert {g.code: g.stock for g in stores.list_goods(shop, "S01")}["OIL"] == 2
    kinds = [(e.kind, e.amount) for e in points.history(shop, admin, HH)]
    assert kinds == [("award", 120), ("redeem", -100), ("reversal", 100)]
    with pytest.raises(Refused, match="撤销过"):
        redemption.reverse_redemption(shop, admin, receipt.number, "再来一次")
    assert check_database(shop).ok


def test_points_ledger_reversal_and_adjustment_never_go_negative(shop, admin):
    history = points.history(shop, admin, HH)
    with pytest.raises(Refused, match="积分不足"):
        points.award(shop, admin, HH, -500, "扣减", kind="adjust")
    assert points.balance(shop, admin, HH) == 120
    assert points.reverse_entry(shop, admin, history[0].id, "录错了户") == 0
    with pytest.raises(Refused, match="已经冲正过"):
        points.reverse_entry(shop, admin, history[0].id, "again")
    assert points.history(shop, admin, HH)[0].reversed
    with pytest.raises(InputRejected):
        points.award(shop, admin, HH, 10, "")


def test_stock_never_goes_negative_and_stocktake_books_the_difference(shop, admin):
    with pytest.raises(Refused, match="库存不足"):
        stores.move_stock(shop, admin, "S01", "OIL", "loss", 5, reason="破损")
    assert stores.move_stock(shop, admin, "S01", "SALT", "stocktake", 97, reason="月末盘点") == 97
    with pytest.raises(InputRejected, match="捐赠人"):
        stores.move_stock(shop, admin, "S01", "SALT", "donation", 5)
    assert check_database(shop).ok


def test_check_finds_a_balance_that_differs_from_its_ledger(shop):
    with shop.write() as s:
        s.execute(text("UPDATE points_account SET balance = balance + 5"))
    report = check_database(shop)
    assert not report.ok and any("积分余额" in p for p in report.problems)


def test_eight_counters_at_once_never_overspend_or_oversell(shop, admin, db_url):
    # 120 points at 3 a bag: exactly 40 can succeed, whatever the interleaving; 100 bags in stock.
    ctx = multiprocessing.get_context("spawn")
    from tests.redeem_worker import hammer

    with ctx.Pool(8) as pool:
        results = pool.starmap(hammer, [(db_url, HH, "SALT", 8)] * 8)
    done = sum(d for d, _ in results)
    assert done == 40 and sum(r for _, r in results) == 24
    assert points.balance(shop, admin, HH) == 0
    assert {g.code: g.stock for g in stores.list_goods(shop, "S01")}["SALT"] == 60
    assert check_database(shop).ok


def test_eight_counters_never_oversell_the_last_units(shop, admin, db_url):
    points.award(shop, admin, OTHER, 1000, "大额积分")
    ctx = multiprocessing.get_context("spawn")
    from tests.redeem_worker import hammer

    with ctx.Pool(8) as pool:
        results = pool.starmap(hammer, [(db_url, OTHER, "OIL", 3)] * 8)
    assert sum(d for d, _ in results) == 2  # only two 桶 of oil were ever there
    assert {g.code: g.stock for g in stores.list_goods(shop, "S01")}["OIL"] == 0
    assert points.balance(shop, admin, OTHER) == 900
    assert check_database(shop).ok


def test_a_store_operator_works_only_at_their_store(shop, admin):
    from desktop.services.system import users

    stores.create_store(shop, admin, "S02", "王楼村爱心超市")
    users.create_user(shop, admin, "op1", "pw123456", "store_operator", stores=["S02"])
    operator = users.authenticate(shop, "op1", "pw123456")
    with pytest.raises(PermissionDenied, match="不是孙桥村爱心超市的操作员"):
        redemption.redeem(shop, operator, "S01", HH, {"SALT": 1})
    with pytest.raises(PermissionDenied):
        stores.move_stock(shop, operator, "S01", "SALT", "purchase", 5)


def test_goods_photos_are_checked_and_inactive_goods_cannot_be_redeemed(shop, admin):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    stores.set_photo(shop, admin, "S01", "OIL", png)
    assert stores.photo_of(shop, "S01", "OIL") == png
    with pytest.raises(InputRejected, match="不是图片"):
        stores.set_photo(shop, admin, "S01", "OIL", b"%PDF-1.4 not an image")
    stores.set_active(shop, admin, "S01", "SALT", False)
    with pytest.raises(Refused, match="已下架"):
        redemption.redeem(shop, admin, "S01", HH, {"SALT": 1})


def test_a_redemption_writes_what_the_orm_wrote(shop, admin):
    """Core statements (built once) write the rows the ORM objects wrote: the number from the id, the entry
    and movements chained, one audit entry naming the points entry, the lines at the prices of the day."""
    from desktop.models import AuditEntry, Redemption, RedemptionLine

    receipt = redemption.redeem(shop, admin, "S01", HH, {"OIL": 1, "SALT": 2})
    with shop.read() as s:
        r = s.scalar(select(Redemption).where(Redemption.number == receipt.number))
        assert (r.points, r.balance_after, r.operator, r.reversed_by) == (56, 64, admin.username, "")
        assert receipt.number == f"S01-{clock.local(r.at):%Y%m%d}-{r.id:06d}" and receipt.at == r.at
        entry = s.scalar(select(PointsEntry).where(PointsEntry.source == f"redemption:{r.id}"))
        assert (entry.kind, entry.amount, entry.reason) == ("redeem", -56, f"兑换单{receipt.number}")
        moves = s.scalars(select(StockMovement).where(StockMovement.redemption_id == r.id)).all()
        assert sorted((m.quantity, m.value_fen, m.donor) for m in moves) == [(-2, 0, ""), (-1, 0, "")]
        lines = s.scalars(select(RedemptionLine).where(RedemptionLine.redemption_id == r.id)).all()
        assert sorted((ln.quantity, ln.price_points) for ln in lines) == [(1, 50), (2, 3)]
        logged = s.scalar(select(AuditEntry).where(AuditEntry.entity_key == receipt.number))
        assert (logged.action, logged.before) == ("redeem", None)
        assert logged.after == {
            "household": HH,
            "points": 56,
            "entry": entry.id,
            "items": {"OIL": 1, "SALT": 2},
        }
    assert check_database(shop).ok


def test_audit_append_is_record_by_statements_and_gives_way_to_a_head_held_as_an_object(db):
    from desktop.models import AuditEntry
    from desktop.services.system import audit

    with db.write() as s:
        audit.append(s, "admin", "one", entity="x", key="1", after={"b": [1, 2], "a": "甲"})
        audit.record(s, "admin", "two", entity="x", key="2", before={"n": 1})
        audit.append(s, "admin", "three", entity="x", key="3")  # the head is an object now: record's way
    with db.write() as s:
        audit.append(s, "admin", "four", entity="x", key="4", before=None, after=None)
    with db.read() as s:
        assert audit.verify(s).ok
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.before, AuditEntry.after).where(AuditEntry.entity == "x")
        )
        assert [tuple(r) for r in rows] == [
            ("one", None, {"a": "甲", "b": [1, 2]}),
            ("two", {"n": 1}, None),
            ("three", None, None),
            ("four", None, None),
        ]
    assert check_database(db).ok
